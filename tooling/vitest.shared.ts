import { defineProject } from 'vitest/config';

/**
 * The test project every package shares. Workspace packages resolve to their `src/` through the
 * `@unmask/source` export condition, so tests run against source with no build.
 */
export function packageProject(name: string, testTimeoutMs = 30_000) {
  return defineProject({
    resolve: { conditions: ['@unmask/source', 'import', 'module', 'node', 'default'] },
    ssr: { resolve: { conditions: ['@unmask/source', 'import', 'module', 'node', 'default'] } },
    test: { name, include: ['test/**/*.test.ts'], testTimeout: testTimeoutMs },
  });
}

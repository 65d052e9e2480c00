import { defineConfig } from 'vitest/config';

// Each package and app is a project with its own vitest.config.ts (see tooling/vitest.shared.ts);
// tooling/pack-test installs the packed packages outside the workspace.
export default defineConfig({
  test: { projects: ['packages/*', 'apps/*', 'tooling/pack-test'] },
});

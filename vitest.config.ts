import { defineConfig } from 'vitest/config';

// Each package and app is a project with its own vitest.config.ts (see tooling/vitest.shared.ts).
export default defineConfig({
  test: { projects: ['packages/*', 'apps/*'] },
});

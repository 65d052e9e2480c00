import { defineConfig } from 'tsup';
import { packageBuild } from '../../tooling/tsup.shared';

// The inference worker is its own entry: the server starts it by URL next to index.js.
export default defineConfig(
  packageBuild({ index: 'src/index.ts', 'inference-worker': 'src/inference-worker.ts' }),
);

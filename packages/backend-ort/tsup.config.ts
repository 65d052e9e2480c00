import { defineConfig } from 'tsup';
import { packageBuild } from '../../tooling/tsup.shared';

// worker-entry is loaded by path from startWorker (src/worker.ts), so it must be its own file.
export default defineConfig(packageBuild({ index: 'src/index.ts', 'worker-entry': 'src/worker-entry.ts' }));

import { defineConfig } from 'tsup';
import { packageBuild } from '../../tooling/tsup.shared';

export default defineConfig(packageBuild({ index: 'src/index.ts', train: 'src/train/index.ts' }));

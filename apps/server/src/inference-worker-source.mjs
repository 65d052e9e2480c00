// The inference worker run from source (tsx, vitest). On Node 20 a worker thread gets neither its
// parent's module loader nor one from `--import tsx` in its execArgv, so it registers tsx itself.
import { register } from 'tsx/esm/api';

register();
await import('./inference-worker.ts');

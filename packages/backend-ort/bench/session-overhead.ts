// The fixed cost of one onnxruntime run from Node: a 16-element Neg through the public async
// InferenceSession.run, through our synchronous session, and as a full backend op (silu).
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { createOrtBackend } from '../src/backend';
import { GraphBuilder } from '../src/onnx/model';
import { createSession } from '../src/session';
import { benchOptions, compare, randomF32, row } from './timing';

const options = benchOptions();
const g = new GraphBuilder();
g.output(g.node('Neg', [g.input('x', 'float32', ['N'])]), 'y', 'float32', ['N']);
const model = g.toModel();
const sync = createSession(model, options);
const pub = await InferenceSession.create(model, { intraOpNumThreads: options.intraOpNumThreads });
const backend = createOrtBackend(options);
const x = new Tensor('float32', randomF32(16), [16]);

const times = compare({ sync: () => sync.run({ x }), backend: () => backend.silu(x) });
// The async run cannot be timed by `compare`; time it sequentially, as a server would await it.
const runs = 2000;
const start = performance.now();
for (let i = 0; i < runs; i++) await pub.run({ x });
const asyncMicros = ((performance.now() - start) * 1000) / runs;

console.log(`per-run overhead, 16 floats, ${options.intraOpNumThreads} threads: µs per call`);
console.log(''.padEnd(14) + ['sync', 'backend', 'async API'].map((s) => s.padStart(12)).join(''));
console.log(row('Neg / silu', [times.sync!, times.backend!, asyncMicros]));

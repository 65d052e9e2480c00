// Memory cost of baking: resident memory per baked weight, beyond the JS copy the caller holds.
// Run with --expose-gc so transient model buffers are collected before each reading.
import { f32 } from '@unmask/tensor';
import { createOrtBackend } from '../src/backend';
import { randomF32 } from './timing';

const size = 2048;
const count = 8;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const rssMiB = () => {
  gc();
  return process.memoryUsage().rss / 2 ** 20;
};
const backend = createOrtBackend();
const weights = Array.from({ length: count }, (_, i) => f32([size, size], randomF32(size * size, i + 1)));
const x = f32([4, size], randomF32(4 * size, 99));
backend.linear(x, f32([8, size], randomF32(8 * size, 7))); // load the runtime and the input-weight session
for (const w of weights) backend.linear(x, w);
const before = rssMiB();
for (const w of weights) backend.linear(x, w); // second use: baked
const after = rssMiB();
const weightMiB = (size * size * 4) / 2 ** 20;
console.log(
  `baking ${count} weights of ${weightMiB} MiB: +${((after - before) / count).toFixed(1)} MiB resident each ` +
    `(bakedBytes ${(backend.bakedBytes / 2 ** 20).toFixed(0)} MiB)`,
);
backend.dispose();
console.log(`after dispose: ${(rssMiB() - before).toFixed(0)} MiB above the pre-baking level`);

// Few queries over a long K/V (what a cache policy's attention looks like): K/V token-major
// [1, Sk, H, D], which the graph transposes on every call, against the same K/V head-major
// [1, H, Sk, D] (`kvHeadMajor`), which the graph only views.
import { f32 } from '@unmask/tensor';
import { createOrtBackend } from '../src/backend';
import { benchOptions, compare, randomF32, row } from './timing';

const backend = createOrtBackend(benchOptions());
const [heads, d] = [16, 64];
console.log(`attention, ${heads} heads of ${d}: ms per call`);
console.log(''.padEnd(14) + ['token-major', 'head-major', 'speedup'].map((s) => s.padStart(12)).join(''));
for (const sk of [768, 2080]) {
  const data = [randomF32(sk * heads * d, 1), randomF32(sk * heads * d, 2)];
  const [k, v] = data.map((values) => f32([1, sk, heads, d], values));
  const [kHeads, vHeads] = data.map((values) => f32([1, heads, sk, d], values));
  for (const sq of [8, 32, 64, 256]) {
    const q = f32([1, sq, heads, d], randomF32(sq * heads * d, 3));
    const t = compare({
      tokenMajor: () => backend.attention(q, k!, v!),
      headMajor: () => backend.attention(q, kHeads!, vHeads!, { kvHeadMajor: true }),
    });
    console.log(
      row(`Sq=${sq} Sk=${sk}`, [t.tokenMajor! / 1000, t.headMajor! / 1000, t.tokenMajor! / t.headMajor!], 2),
    );
  }
}

import { f32, type Tensor } from '@unmask/tensor';

/** mulberry32: a small seeded PRNG, so benchmark inputs are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A float32 tensor of uniform values in [-scale, scale). */
export function randomTensor(dims: number[], random: () => number, scale = 1): Tensor {
  const t = f32(dims);
  const data = t.data as Float32Array;
  for (let i = 0; i < data.length; i++) data[i] = (random() * 2 - 1) * scale;
  return t;
}

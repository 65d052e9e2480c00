import { f32, mulberry32, type Tensor } from '@unmask/tensor';

/** Seeded, so benchmark inputs are the same on every run. */
export const seededRandom = mulberry32;

/** A float32 tensor of uniform values in [-scale, scale). */
export function randomTensor(dims: number[], random: () => number, scale = 1): Tensor {
  const t = f32(dims);
  const data = t.data as Float32Array;
  for (let i = 0; i < data.length; i++) data[i] = (random() * 2 - 1) * scale;
  return t;
}

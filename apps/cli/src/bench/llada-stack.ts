import { type Backend, i32, reshape, type Tensor } from '@unmask/tensor';
import { randomTensor, seededRandom } from './random';

/** The shape of a LLaDA-style block stack: pre-norm, RoPE, bidirectional attention, SwiGLU FFN. */
export interface StackShape {
  width: number;
  heads: number;
  ffn: number;
  layers: number;
}

export const LLADA_BENCH_STACK: StackShape = { width: 1024, heads: 16, ffn: 2816, layers: 4 };

interface LayerWeights {
  attnNorm: Tensor;
  q: Tensor;
  k: Tensor;
  v: Tensor;
  out: Tensor;
  ffNorm: Tensor;
  gate: Tensor;
  up: Tensor;
  down: Tensor;
}

/** FLOPs of one forward pass: the matmuls of every layer plus attention's two products. */
export function stackFlops(shape: StackShape, seq: number): number {
  const { width, ffn, layers } = shape;
  const projections = 2 * seq * (4 * width * width + 3 * width * ffn);
  const attention = 2 * 2 * seq * seq * width;
  return layers * (projections + attention);
}

/** A stack with random weights (scaled like a trained model's, so activations stay finite). */
export function buildStack(shape: StackShape, seed = 1): { forward(backend: Backend, x: Tensor): Tensor } {
  const random = seededRandom(seed);
  const { width, heads, ffn } = shape;
  const headDim = width / heads;
  const ones = (n: number) => randomTensor([n], () => 0.75, 1);
  const layers: LayerWeights[] = Array.from({ length: shape.layers }, () => ({
    attnNorm: ones(width),
    q: randomTensor([width, width], random, 1 / Math.sqrt(width)),
    k: randomTensor([width, width], random, 1 / Math.sqrt(width)),
    v: randomTensor([width, width], random, 1 / Math.sqrt(width)),
    out: randomTensor([width, width], random, 1 / Math.sqrt(width)),
    ffNorm: ones(width),
    gate: randomTensor([ffn, width], random, 1 / Math.sqrt(width)),
    up: randomTensor([ffn, width], random, 1 / Math.sqrt(width)),
    down: randomTensor([width, ffn], random, 1 / Math.sqrt(ffn)),
  }));

  return {
    forward(backend, x) {
      const seq = x.dims[1]!;
      const positions = i32(
        [seq],
        Array.from({ length: seq }, (_, i) => i),
      );
      let h = x;
      for (const w of layers) {
        const normed = backend.rmsNorm(h, w.attnNorm, 1e-5);
        const heads4 = (t: Tensor) => reshape(t, [1, seq, heads, headDim]);
        const q = backend.rope(heads4(backend.linear(normed, w.q)), positions, 500000);
        const k = backend.rope(heads4(backend.linear(normed, w.k)), positions, 500000);
        const v = heads4(backend.linear(normed, w.v));
        const attended = reshape(backend.attention(q, k, v), [1, seq, width]);
        h = backend.add(h, backend.linear(attended, w.out));
        const ffIn = backend.rmsNorm(h, w.ffNorm, 1e-5);
        const act = backend.swiglu(backend.linear(ffIn, w.gate), backend.linear(ffIn, w.up));
        h = backend.add(h, backend.linear(act, w.down));
      }
      return h;
    },
  };
}

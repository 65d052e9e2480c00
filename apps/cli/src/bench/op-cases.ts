import { type Backend, i32, type Tensor } from '@unmask/tensor';
import { randomTensor, seededRandom } from './random';

/** One op at one representative shape (LLaDA-8B-like rows: 256 tokens), with its work for throughput. */
export interface OpCase {
  op: string;
  shape: string;
  /** FLOPs for matmul-shaped ops, else elements touched; `unit` says which. */
  work: number;
  unit: 'GFLOP/s' | 'Melem/s';
  run(backend: Backend): Tensor | { values: Tensor };
}

export function opCases(seq: number, width: number, heads: number): OpCase[] {
  const random = seededRandom(7);
  const headDim = width / heads;
  const x = randomTensor([1, seq, width], random);
  const w = randomTensor([width, width], random, 1 / Math.sqrt(width));
  const row = randomTensor([width], random);
  const q = randomTensor([1, seq, heads, headDim], random);
  const kv = randomTensor([1, seq, heads / 4, headDim], random);
  const vocab = 32768;
  const logits = randomTensor([seq, vocab], random, 8);
  const positions = i32(
    [seq],
    Array.from({ length: seq }, (_, i) => i),
  );
  const rows = i32(
    [seq / 4],
    Array.from({ length: seq / 4 }, (_, i) => i * 4),
  );
  const rowValues = randomTensor([1, seq / 4, width], random);
  const ids = i32(
    [1, seq],
    Array.from({ length: seq }, (_, i) => (i * 7919) % vocab),
  );
  const table = randomTensor([vocab, width], random);
  const elems = seq * width;
  const shape = `${seq}x${width}`;
  return [
    {
      op: 'linear',
      shape: `${shape}·${width}x${width}ᵀ`,
      work: 2 * seq * width * width,
      unit: 'GFLOP/s',
      run: (b) => b.linear(x, w),
    },
    {
      op: 'matmul',
      shape: `${shape}·${width}x${width}`,
      work: 2 * seq * width * width,
      unit: 'GFLOP/s',
      run: (b) => b.matmul(x, w),
    },
    {
      op: 'attention',
      shape: `${seq} tok, ${heads}/${heads / 4} heads x ${headDim}`,
      work: 4 * seq * seq * width,
      unit: 'GFLOP/s',
      run: (b) => b.attention(q, kv, kv),
    },
    { op: 'rmsNorm', shape, work: elems, unit: 'Melem/s', run: (b) => b.rmsNorm(x, row, 1e-5) },
    { op: 'layerNorm', shape, work: elems, unit: 'Melem/s', run: (b) => b.layerNorm(x, row, row, 1e-5) },
    { op: 'add', shape, work: elems, unit: 'Melem/s', run: (b) => b.add(x, x) },
    { op: 'mul', shape: `${shape} * row`, work: elems, unit: 'Melem/s', run: (b) => b.mul(x, row) },
    {
      op: 'rope',
      shape: `${seq}x${heads}x${headDim}`,
      work: elems,
      unit: 'Melem/s',
      run: (b) => b.rope(q, positions, 5e5),
    },
    { op: 'silu', shape, work: elems, unit: 'Melem/s', run: (b) => b.silu(x) },
    { op: 'swiglu', shape, work: elems, unit: 'Melem/s', run: (b) => b.swiglu(x, x) },
    {
      op: 'softmax',
      shape: `${seq}x${vocab}`,
      work: seq * vocab,
      unit: 'Melem/s',
      run: (b) => b.softmax(logits),
    },
    {
      op: 'logSoftmax',
      shape: `${seq}x${vocab}`,
      work: seq * vocab,
      unit: 'Melem/s',
      run: (b) => b.logSoftmax(logits),
    },
    {
      op: 'argmax',
      shape: `${seq}x${vocab}`,
      work: seq * vocab,
      unit: 'Melem/s',
      run: (b) => b.argmax(logits),
    },
    {
      op: 'topk',
      shape: `${seq}x${vocab}, k=8`,
      work: seq * vocab,
      unit: 'Melem/s',
      run: (b) => b.topk(logits, 8),
    },
    {
      op: 'embedding',
      shape: `${seq} ids, ${vocab}x${width}`,
      work: elems,
      unit: 'Melem/s',
      run: (b) => b.embedding(ids, table),
    },
    {
      op: 'gatherRows',
      shape: `${seq / 4} of ${shape}`,
      work: elems / 4,
      unit: 'Melem/s',
      run: (b) => b.gatherRows(x, rows),
    },
    {
      op: 'scatterRows',
      shape: `${seq / 4} into ${shape}`,
      work: elems,
      unit: 'Melem/s',
      run: (b) => b.scatterRows(x, rows, rowValues),
    },
    { op: 'cosineRows', shape, work: 2 * elems, unit: 'Melem/s', run: (b) => b.cosineRows(x, x) },
  ];
}

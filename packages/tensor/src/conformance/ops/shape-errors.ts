import type { Tensor } from 'onnxruntime-common';
import { describe, it } from 'vitest';
import type { Backend } from '../../backend';
import { bool, f32, i32 } from '../../shape';
import { expectShapeError } from '../check';
import type { SuiteContext } from '../context';

interface ErrorCase {
  op: keyof Backend;
  name: string;
  /** The inputs whose shapes the message must list. */
  inputs: Tensor[];
  call: (backend: Backend) => unknown;
}

const x23 = f32([2, 3]);
const ints23 = i32([2, 3]);

function errorCases(): ErrorCase[] {
  const cases: ErrorCase[] = [];
  const add = (op: keyof Backend, name: string, inputs: Tensor[], call: (backend: Backend) => unknown) =>
    cases.push({ op, name, inputs, call });

  const b45 = f32([4, 5]);
  add('matmul', 'inner dims differ', [x23, b45], (be) => be.matmul(x23, b45));
  const b54 = f32([5, 4]);
  add('matmul', 'inner dims differ with transposeB', [x23, b54], (be) =>
    be.matmul(x23, b54, { transposeB: true }),
  );
  const a234 = f32([2, 3, 4]);
  const b345 = f32([3, 4, 5]);
  add('matmul', 'batch dims differ', [a234, b345], (be) => be.matmul(a234, b345));
  const b35 = f32([3, 5]);
  add('matmul', 'int32 a', [ints23, b35], (be) => be.matmul(ints23, b35));
  const vector = f32([3]);
  add('matmul', 'rank-1 a', [vector, b35], (be) => be.matmul(vector, b35));

  const w84 = f32([8, 4]);
  add('linear', 'x last dim != in-features', [x23, w84], (be) => be.linear(x23, w84));
  const w83 = f32([8, 3]);
  const bias7 = f32([7]);
  add('linear', 'bias length != out-features', [x23, w83, bias7], (be) => be.linear(x23, w83, bias7));
  const w283 = f32([2, 8, 3]);
  add('linear', 'rank-3 weight', [x23, w283], (be) => be.linear(x23, w283));
  const w83Int = i32([8, 3]);
  add('linear', 'int32 weight', [x23, w83Int], (be) => be.linear(x23, w83Int));

  const b2 = f32([2]);
  add('add', 'b is a leading, not trailing, dim', [x23, b2], (be) => be.add(x23, b2));
  const b423 = f32([4, 2, 3]);
  add('add', 'b has more dims than a', [x23, b423], (be) => be.add(x23, b423));
  const b3Int = i32([3]);
  add('mul', 'int32 b', [x23, b3Int], (be) => be.mul(x23, b3Int));
  const b4 = f32([4]);
  add('mul', 'b length differs', [x23, b4], (be) => be.mul(x23, b4));

  const w4 = f32([4]);
  add('rmsNorm', 'weight length != D', [x23, w4], (be) => be.rmsNorm(x23, w4, 1e-6));
  const w3 = f32([3]);
  add('layerNorm', 'bias length != D', [x23, w3, w4], (be) => be.layerNorm(x23, w3, w4, 1e-5));
  add('layerNorm', 'int32 x', [ints23, w3], (be) => be.layerNorm(ints23, w3, undefined, 1e-5));

  const xOdd = f32([2, 2, 5]);
  const pos2 = i32([2]);
  add('rope', 'odd head dim', [xOdd, pos2], (be) => be.rope(xOdd, pos2, 10000));
  const x224 = f32([2, 2, 4]);
  const pos3 = i32([3]);
  add('rope', 'positions length != S', [x224, pos3], (be) => be.rope(x224, pos3, 10000));
  const posFloat = f32([2]);
  add('rope', 'float32 positions', [x224, posFloat], (be) => be.rope(x224, posFloat, 10000));
  add('rope', 'rank-2 x', [x23, pos2], (be) => be.rope(x23, pos2, 10000));

  add('softmax', 'int32 x', [ints23], (be) => be.softmax(ints23));
  add('logSoftmax', 'int32 x', [ints23], (be) => be.logSoftmax(ints23));
  add('silu', 'int32 x', [ints23], (be) => be.silu(ints23));
  const x32 = f32([3, 2]);
  add('swiglu', 'gate and up differ', [x23, x32], (be) => be.swiglu(x23, x32));

  const q = f32([1, 4, 4, 8]);
  const kv = f32([1, 6, 2, 8]);
  const kv3 = f32([1, 6, 3, 8]);
  add('attention', 'Hq not a multiple of Hkv', [q, kv3], (be) => be.attention(q, kv3, kv3));
  // Head-major, [1, 6, 2, 8] reads as 6 KV heads over 2 keys.
  add('attention', 'kvHeadMajor, Hq not a multiple of Hkv', [q, kv], (be) =>
    be.attention(q, kv, kv, { kvHeadMajor: true }),
  );
  const v7 = f32([1, 7, 2, 8]);
  add('attention', 'k and v differ', [q, kv, v7], (be) => be.attention(q, kv, v7));
  const kvWideHead = f32([1, 6, 2, 4]);
  add('attention', 'head dims differ', [q, kvWideHead], (be) => be.attention(q, kvWideHead, kvWideHead));
  const q3 = f32([4, 4, 8]);
  add('attention', 'rank-3 q', [q3, kv], (be) => be.attention(q3, kv, kv));
  const mask45 = bool([4, 5]);
  add('attention', 'mask [Sq, Sk - 1]', [q, kv, mask45], (be) => be.attention(q, kv, kv, { mask: mask45 }));
  const mask5 = bool([1, 1, 1, 4, 6]);
  add('attention', 'rank-5 mask', [q, kv, mask5], (be) => be.attention(q, kv, kv, { mask: mask5 }));
  const maskBatch = f32([2, 4, 6]);
  add('attention', 'mask batch != B', [q, kv, maskBatch], (be) =>
    be.attention(q, kv, kv, { mask: maskBatch }),
  );
  const maskHeads = bool([1, 2, 4, 6]);
  add('attention', 'mask heads not 1 or Hq', [q, kv, maskHeads], (be) =>
    be.attention(q, kv, kv, { mask: maskHeads }),
  );
  const maskInt = i32([4, 6]);
  add('attention', 'int32 mask', [q, kv, maskInt], (be) => be.attention(q, kv, kv, { mask: maskInt }));

  const table = f32([5, 3]);
  const idsHigh = i32([3], [0, 5, 1]);
  add('embedding', 'id == V', [idsHigh, table], (be) => be.embedding(idsHigh, table));
  const idsNegative = i32([2], [-1, 0]);
  add('embedding', 'negative id', [idsNegative, table], (be) => be.embedding(idsNegative, table));
  const idsFloat = f32([2]);
  add('embedding', 'float32 ids', [idsFloat, table], (be) => be.embedding(idsFloat, table));

  const x253 = f32([2, 5, 3]);
  const rowsHigh = i32([2], [1, 5]);
  add('gatherRows', 'row == N', [x253, rowsHigh], (be) => be.gatherRows(x253, rowsHigh));
  const rows2d = i32([1, 2]);
  add('gatherRows', 'rank-2 rows', [x253, rows2d], (be) => be.gatherRows(x253, rows2d));
  const rowsTwice = i32([2], [3, 3]);
  const src223 = f32([2, 2, 3]);
  add('scatterRows', 'duplicate rows', [x253, rowsTwice, src223], (be) =>
    be.scatterRows(x253, rowsTwice, src223),
  );
  const rowsNegative = i32([2], [0, -1]);
  add('scatterRows', 'negative row', [x253, rowsNegative, src223], (be) =>
    be.scatterRows(x253, rowsNegative, src223),
  );
  const rows2 = i32([2], [0, 4]);
  const src233 = f32([2, 3, 3]);
  add('scatterRows', 'src rows != R', [x253, rows2, src233], (be) => be.scatterRows(x253, rows2, src233));

  add('cosineRows', 'shapes differ', [x23, x32], (be) => be.cosineRows(x23, x32));
  add('topk', 'k > N', [x23], (be) => be.topk(x23, 4));
  add('topk', 'negative k', [x23], (be) => be.topk(x23, -1));
  add('topk', 'fractional k', [x23], (be) => be.topk(x23, 1.5));
  const empty = f32([2, 0]);
  add('argmax', 'empty last axis', [empty], (be) => be.argmax(empty));
  add('argmax', 'int32 x', [ints23], (be) => be.argmax(ints23));
  return cases;
}

export function describeShapeErrors(ctx: SuiteContext): void {
  describe('shape errors', () => {
    for (const { op, name, inputs, call } of errorCases()) {
      it(`${op}: ${name}`, () => expectShapeError(op, inputs, () => call(ctx.backend())));
    }
  });
}

import { f32, i32, i32Data, reshape, type Tensor } from '@unmask/tensor';
import type { DiffusionLM } from '@unmask/transformer';
import { CachePolicyError } from './errors';
import type { CacheRequest, RowRange } from './policy';

/** Ascending integers [start, end). */
export function span(start: number, end: number): number[] {
  return Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i);
}

/** Row indices (which are also the rows' positions) as an int32 [R] tensor. */
export function rowTensor(rows: readonly number[]): Tensor {
  return i32([rows.length], rows);
}

/** Sequence length of ids after checking they are int32 [B, S] and `rows` lies inside. */
export function checkCall(
  policy: string,
  ids: Tensor,
  rows: RowRange | undefined,
  request?: CacheRequest,
): number {
  if (ids.type !== 'int32' || ids.dims.length !== 2) {
    throw new CachePolicyError(
      `${policy}: ids must be int32 [B, S], got ${ids.type} [${ids.dims.join(', ')}]`,
    );
  }
  const seq = ids.dims[1]!;
  if (request && seq !== request.totalLength) {
    throw new CachePolicyError(
      `${policy}: canvas of ${seq} tokens, but the policy was reset for ${request.totalLength}`,
    );
  }
  if (
    rows &&
    !(
      Number.isInteger(rows.start) &&
      Number.isInteger(rows.end) &&
      0 <= rows.start &&
      rows.start < rows.end &&
      rows.end <= seq
    )
  ) {
    throw new CachePolicyError(
      `${policy}: rows [${rows.start}, ${rows.end}) are not a non-empty range inside [0, ${seq})`,
    );
  }
  return seq;
}

/** ids int32 [B, S] restricted to columns [start, end). */
export function sliceIds(ids: Tensor, start: number, end: number): Tensor {
  const [batch, seq] = ids.dims as [number, number];
  const data = i32Data(ids);
  const out = new Int32Array(batch * (end - start));
  for (let b = 0; b < batch; b++) out.set(data.subarray(b * seq + start, b * seq + end), b * (end - start));
  return i32([batch, end - start], out);
}

/** Logits of residual rows [rows.start, rows.end) of x [B, N, W], whose first row is canvas row `offset`. */
export function headLogits(model: DiffusionLM, x: Tensor, rows: RowRange, offset = 0): Tensor {
  const n = x.dims[1]!;
  const wanted =
    rows.start === offset && rows.end === offset + n
      ? x
      : model.backend.gatherRows(x, rowTensor(span(rows.start - offset, rows.end - offset)));
  return model.lmHead(model.finalNorm(wanted));
}

/** [B, R, H, D] <-> [B, R, H * D]: caches keep K/V flat so rows can be gathered and scattered. */
export function flatHeads(t: Tensor): Tensor {
  const [b, r, h, d] = t.dims as [number, number, number, number];
  return reshape(t, [b, r, h * d]);
}

export function splitHeads(t: Tensor, heads: number): Tensor {
  const [b, r, w] = t.dims as [number, number, number];
  return reshape(t, [b, r, heads, w / heads]);
}

/**
 * Rows `rows` (ascending, distinct) of a row-major [N, width] array as a [1, R, width] tensor: a
 * view of `data` itself (no copy) when the rows are consecutive, so use it before `data` changes.
 */
export function readRows(data: Float32Array, rows: readonly number[], width: number): Tensor {
  const n = rows.length;
  if (n === 0) return f32([1, 0, width]);
  const first = rows[0]!;
  if (rows[n - 1]! - first === n - 1)
    return f32([1, n, width], data.subarray(first * width, (first + n) * width));
  const out = new Float32Array(n * width);
  forRuns(rows, (start, row, count) => {
    out.set(data.subarray(row * width, (row + count) * width), start * width);
  });
  return f32([1, n, width], out);
}

/** data[rows[i], :] = src[i, :] for a row-major [N, width] array and src [R, width] (rows ascending, distinct). */
export function writeRows(
  data: Float32Array,
  rows: readonly number[],
  src: Float32Array,
  width: number,
): void {
  forRuns(rows, (start, row, count) => {
    data.set(src.subarray(start * width, (start + count) * width), row * width);
  });
}

/** Calls `run(i, rows[i], count)` for each maximal run of consecutive row numbers. */
function forRuns(rows: readonly number[], run: (start: number, row: number, count: number) => void): void {
  for (let i = 0; i < rows.length; ) {
    let j = i + 1;
    while (j < rows.length && rows[j] === rows[j - 1]! + 1) j++;
    run(i, rows[i]!, j - i);
    i = j;
  }
}

/** The layout of a head-major K/V cache [B, H, S, D] over canvases of S rows. */
export interface HeadMajor {
  batch: number;
  heads: number;
  headDim: number;
  seq: number;
}

/**
 * cache[b, h, rows[i], :] = src[b, i, h, :]: token-major rows src [B, R, H * D] into a head-major
 * cache [B, H, S, D] (what `attendHeadMajor` reads without a copy).
 */
export function writeHeadRows(
  cache: Float32Array,
  rows: readonly number[],
  src: Float32Array,
  layout: HeadMajor,
): void {
  // Each head of a row is a run of D floats, copied as D / 2 doubles when both arrays allow it
  // (else as D 32-bit words, never as floats, which would quiet signalling NaNs): a third faster
  // than `set` of a subarray per run (256 rows of 16 heads of 64: 0.4 ms against 0.6), with no view
  // object per run for the garbage collector. V8 copies doubles bit for bit, NaNs included (tested);
  // an engine that canonicalised a NaN double could only do so where one of the floats is a NaN.
  const { headDim } = layout;
  if (headDim % 2 === 0 && cache.byteOffset % 8 === 0 && src.byteOffset % 8 === 0) {
    const doubles = (a: Float32Array) => new Float64Array(a.buffer, a.byteOffset, a.length / 2);
    copyHeadRuns(doubles(cache), rows, doubles(src), { ...layout, headDim: headDim / 2 });
  } else {
    const words = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);
    copyHeadRuns(words(cache), rows, words(src), layout);
  }
}

function copyHeadRuns<T extends Uint32Array | Float64Array>(
  to: T,
  rows: readonly number[],
  from: T,
  layout: HeadMajor,
): void {
  const { batch, heads, headDim, seq } = layout;
  const n = rows.length;
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < n; i++) {
      for (let h = 0; h < heads; h++) {
        const source = ((b * n + i) * heads + h) * headDim;
        const target = ((b * heads + h) * seq + rows[i]!) * headDim;
        for (let c = 0; c < headDim; c++) to[target + c] = from[source + c]!;
      }
    }
  }
}

/** Rows `rows` of a head-major cache [B, H, S, D] as token-major [B, R, H * D] (a copy). */
export function readHeadRows(cache: Float32Array, rows: readonly number[], layout: HeadMajor): Tensor {
  const { batch, heads, headDim, seq } = layout;
  const n = rows.length;
  const out = new Float32Array(batch * n * heads * headDim);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < n; i++) {
      for (let h = 0; h < heads; h++) {
        const from = ((b * heads + h) * seq + rows[i]!) * headDim;
        out.set(cache.subarray(from, from + headDim), ((b * n + i) * heads + h) * headDim);
      }
    }
  }
  return f32([batch, n, heads * headDim], out);
}

import { i32, i32Data, reshape, type Tensor } from '@unmask/tensor';
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

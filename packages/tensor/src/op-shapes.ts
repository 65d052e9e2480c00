// Validation and output shapes of every Backend op, shared by all backends so that they accept
// exactly the same inputs and raise the same ShapeError for the rest.
import type { Tensor } from 'onnxruntime-common';
import type { AttentionOptions } from './backend';
import { ShapeError } from './errors';
import { type Dims, dimsProduct, lastDim, sameDims } from './shape';

function shapesOf(tensors: Record<string, Tensor | undefined>): Record<string, readonly number[]> {
  const out: Record<string, readonly number[]> = {};
  for (const [name, t] of Object.entries(tensors)) if (t) out[name] = t.dims;
  return out;
}

function fail(op: string, detail: string, tensors: Record<string, Tensor | undefined>): never {
  throw new ShapeError(op, detail, shapesOf(tensors));
}

/** Every tensor of `tensors` has `type`; the error lists the shapes of `all` (every input of the op). */
function requireType(
  op: string,
  tensors: Record<string, Tensor | undefined>,
  type: Tensor.Type,
  all: Record<string, Tensor | undefined> = tensors,
): void {
  for (const [name, t] of Object.entries(tensors)) {
    if (t && t.type !== type) fail(op, `${name} must be ${type}, got ${t.type}`, all);
  }
}

function requireRank(
  op: string,
  name: string,
  t: Tensor,
  min: number,
  all: Record<string, Tensor | undefined>,
): void {
  if (t.dims.length < min) fail(op, `${name} must have rank >= ${min}`, all);
}

export interface MatmulShape {
  out: Dims;
  batch: number;
  m: number;
  k: number;
  n: number;
  /** b is one [K, N] matrix shared by every batch. */
  sharedB: boolean;
}

export function matmulShape(a: Tensor, b: Tensor, transposeB = false): MatmulShape {
  const all = { a, b };
  requireType('matmul', all, 'float32');
  requireRank('matmul', 'a', a, 2, all);
  requireRank('matmul', 'b', b, 2, all);
  const ra = a.dims.length;
  const rb = b.dims.length;
  const m = a.dims[ra - 2]!;
  const k = a.dims[ra - 1]!;
  const kb = transposeB ? b.dims[rb - 1]! : b.dims[rb - 2]!;
  const n = transposeB ? b.dims[rb - 2]! : b.dims[rb - 1]!;
  if (k !== kb) fail('matmul', `inner dims differ: ${k} vs ${kb}${transposeB ? ' (b transposed)' : ''}`, all);
  const sharedB = rb === 2;
  if (!sharedB && !sameDims(a.dims.slice(0, ra - 2), b.dims.slice(0, rb - 2))) {
    fail('matmul', 'batch dims of b must equal those of a, or b must be rank 2', all);
  }
  return { out: [...a.dims.slice(0, ra - 2), m, n], batch: dimsProduct(a.dims, 0, ra - 2), m, k, n, sharedB };
}

export function linearShape(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor,
): { out: Dims; rows: number; inFeatures: number; outFeatures: number } {
  const all = { x, weight, bias };
  requireType('linear', all, 'float32');
  requireRank('linear', 'x', x, 1, all);
  if (weight.dims.length !== 2) fail('linear', 'weight must be [out, in]', all);
  const [outF, inF] = weight.dims as [number, number];
  if (lastDim(x.dims) !== inF)
    fail('linear', `x's last dim ${lastDim(x.dims)} != weight in-features ${inF}`, all);
  if (bias && (bias.dims.length !== 1 || bias.dims[0] !== outF))
    fail('linear', `bias must be [${outF}]`, all);
  return {
    out: [...x.dims.slice(0, -1), outF],
    rows: dimsProduct(x.dims, 0, x.dims.length - 1),
    inFeatures: inF,
    outFeatures: outF,
  };
}

/** a op b where b has a's shape or a's trailing dims. Returns the length of b (the broadcast period). */
export function broadcastShape(op: string, a: Tensor, b: Tensor): { out: Dims; period: number } {
  const all = { a, b };
  requireType(op, all, 'float32');
  const offset = a.dims.length - b.dims.length;
  if (offset < 0 || !sameDims(a.dims.slice(offset), b.dims)) {
    fail(op, "b must have a's shape or a's trailing dims", all);
  }
  return { out: a.dims, period: b.size };
}

export function normShape(op: string, x: Tensor, weight: Tensor, bias?: Tensor): { rows: number; d: number } {
  const all = { x, weight, bias };
  requireType(op, all, 'float32');
  requireRank(op, 'x', x, 1, all);
  const d = lastDim(x.dims);
  if (weight.dims.length !== 1 || weight.dims[0] !== d) fail(op, `weight must be [${d}]`, all);
  if (bias && (bias.dims.length !== 1 || bias.dims[0] !== d)) fail(op, `bias must be [${d}]`, all);
  return { rows: x.size / Math.max(d, 1), d };
}

export function ropeShape(x: Tensor, positions: Tensor): { batch: number; s: number; h: number; d: number } {
  const all = { x, positions };
  requireType('rope', { x }, 'float32', all);
  requireType('rope', { positions }, 'int32', all);
  requireRank('rope', 'x', x, 3, all);
  const r = x.dims.length;
  const [s, h, d] = x.dims.slice(r - 3) as [number, number, number];
  if (d % 2 !== 0) fail('rope', `head dim ${d} must be even`, all);
  if (positions.dims.length !== 1 || positions.dims[0] !== s) fail('rope', `positions must be [${s}]`, all);
  return { batch: dimsProduct(x.dims, 0, r - 3), s, h, d };
}

export function lastAxisShape(op: string, x: Tensor): { rows: number; n: number } {
  requireType(op, { x }, 'float32');
  requireRank(op, 'x', x, 1, { x });
  const n = lastDim(x.dims);
  return { rows: n === 0 ? 0 : x.size / n, n };
}

export function swigluShape(gate: Tensor, up: Tensor): Dims {
  const all = { gate, up };
  requireType('swiglu', all, 'float32');
  if (!sameDims(gate.dims, up.dims)) fail('swiglu', 'gate and up must have the same shape', all);
  return gate.dims;
}

export interface AttentionShape {
  b: number;
  sq: number;
  sk: number;
  hq: number;
  hkv: number;
  d: number;
  scale: number;
  /** How the mask broadcasts: per batch and per head, or shared. */
  maskBatched: boolean;
  maskPerHead: boolean;
}

export function attentionShape(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  options: AttentionOptions = {},
): AttentionShape {
  const { mask } = options;
  const all = { q, k, v, mask };
  requireType('attention', { q, k, v }, 'float32', all);
  const kvLayout = options.kvHeadMajor ? '[B, H, S, D] (kvHeadMajor)' : '[B, S, H, D]';
  if (q.dims.length !== 4) fail('attention', 'q must be [B, S, H, D]', all);
  for (const [name, t] of Object.entries({ k, v })) {
    if (t.dims.length !== 4) fail('attention', `${name} must be ${kvLayout}`, all);
  }
  const [b, sq, hq, d] = q.dims as [number, number, number, number];
  const [bk, sk, hkv, dk] = (options.kvHeadMajor ? [k.dims[0], k.dims[2], k.dims[1], k.dims[3]] : k.dims) as [
    number,
    number,
    number,
    number,
  ];
  if (!sameDims(k.dims, v.dims)) fail('attention', 'k and v must have the same shape', all);
  if (bk !== b || dk !== d) fail('attention', 'k must match q in batch and head dim', all);
  if (hkv === 0 || hq % hkv !== 0)
    fail('attention', `query heads ${hq} must be a multiple of KV heads ${hkv}`, all);
  let maskBatched = false;
  let maskPerHead = false;
  if (mask) {
    if (mask.type !== 'bool' && mask.type !== 'float32')
      fail('attention', `mask must be bool or float32, got ${mask.type}`, all);
    const md = mask.dims;
    const tail = md.slice(-2);
    if (md.length < 2 || md.length > 4 || tail[0] !== sq || tail[1] !== sk) {
      fail('attention', `mask must be [${sq}, ${sk}], [B, ${sq}, ${sk}] or [B, 1|Hq, ${sq}, ${sk}]`, all);
    }
    if (md.length >= 3) {
      if (md[0] !== b) fail('attention', `mask batch must be ${b}`, all);
      maskBatched = true;
    }
    if (md.length === 4) {
      if (md[1] !== 1 && md[1] !== hq) fail('attention', `mask head dim must be 1 or ${hq}`, all);
      maskPerHead = md[1] === hq;
    }
  }
  const scale = options.scale ?? 1 / Math.sqrt(d);
  return { b, sq, sk, hq, hkv, d, scale, maskBatched, maskPerHead };
}

export function embeddingShape(ids: Tensor, table: Tensor): { out: Dims; v: number; d: number } {
  const all = { ids, table };
  requireType('embedding', { ids }, 'int32', all);
  requireType('embedding', { table }, 'float32', all);
  if (table.dims.length !== 2) fail('embedding', 'table must be [V, D]', all);
  const [v, d] = table.dims as [number, number];
  checkIndices('embedding', 'ids', ids, v, all);
  return { out: [...ids.dims, d], v, d };
}

export function gatherRowsShape(
  x: Tensor,
  rows: Tensor,
): { out: Dims; outer: number; n: number; d: number; r: number } {
  return rowsShape('gatherRows', x, rows, { x, rows });
}

export function scatterRowsShape(
  x: Tensor,
  rows: Tensor,
  src: Tensor,
): { outer: number; n: number; d: number; r: number } {
  const all = { x, rows, src };
  const { out, outer, n, d, r } = rowsShape('scatterRows', x, rows, all);
  requireType('scatterRows', { src }, 'float32', all);
  if (!sameDims(src.dims, out)) fail('scatterRows', `src must be [${out.join(', ')}]`, all);
  const seen = new Set<number>();
  for (const i of rows.data as Int32Array) {
    if (seen.has(i)) fail('scatterRows', `row ${i} appears twice`, all);
    seen.add(i);
  }
  return { outer, n, d, r };
}

/** x [..., N, D] and rows int32 [R] in [0, N), for gatherRows and scatterRows. */
function rowsShape(
  op: string,
  x: Tensor,
  rows: Tensor,
  all: Record<string, Tensor | undefined>,
): { out: Dims; outer: number; n: number; d: number; r: number } {
  requireType(op, { x }, 'float32', all);
  requireType(op, { rows }, 'int32', all);
  requireRank(op, 'x', x, 2, all);
  if (rows.dims.length !== 1) fail(op, 'rows must be rank 1', all);
  const rx = x.dims.length;
  const n = x.dims[rx - 2]!;
  const d = x.dims[rx - 1]!;
  checkIndices(op, 'rows', rows, n, all);
  const r = rows.dims[0]!;
  return { out: [...x.dims.slice(0, rx - 2), r, d], outer: dimsProduct(x.dims, 0, rx - 2), n, d, r };
}

export function cosineRowsShape(a: Tensor, b: Tensor): { out: Dims; rows: number; d: number } {
  const all = { a, b };
  requireType('cosineRows', all, 'float32');
  requireRank('cosineRows', 'a', a, 1, all);
  if (!sameDims(a.dims, b.dims)) fail('cosineRows', 'a and b must have the same shape', all);
  const d = lastDim(a.dims);
  return { out: a.dims.slice(0, -1), rows: dimsProduct(a.dims, 0, a.dims.length - 1), d };
}

export function topkShape(x: Tensor, k: number): { out: Dims; rows: number; n: number } {
  const { n } = lastAxisShape('topk', x);
  if (!Number.isInteger(k) || k < 0 || k > n) fail('topk', `k=${k} must be an integer in [0, ${n}]`, { x });
  return { out: [...x.dims.slice(0, -1), k], rows: dimsProduct(x.dims, 0, x.dims.length - 1), n };
}

export function argmaxShape(x: Tensor): { out: Dims; rows: number; n: number } {
  const { n } = lastAxisShape('argmax', x);
  if (n === 0) fail('argmax', 'the last axis is empty', { x });
  return { out: x.dims.slice(0, -1), rows: dimsProduct(x.dims, 0, x.dims.length - 1), n };
}

function checkIndices(
  op: string,
  name: string,
  t: Tensor,
  limit: number,
  all: Record<string, Tensor | undefined>,
): void {
  const data = t.data as Int32Array;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < 0 || v >= limit) fail(op, `${name}[${i}] = ${v} is outside [0, ${limit})`, all);
  }
}

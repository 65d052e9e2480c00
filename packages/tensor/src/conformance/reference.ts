// Float64 reference implementations of every Backend op: plain loops, written for clarity and
// independent of every backend. The conformance suite compares backends against these.
import type { Tensor } from 'onnxruntime-common';

/** What the reference reads: a numeric Tensor, or any row-major number array with its dims. */
export interface RefInput {
  readonly dims: readonly number[];
  readonly data: Tensor['data'] | ArrayLike<number>;
}

/** What the reference returns: float64 values (or exact integers) with their dims. */
export interface RefOutput {
  dims: number[];
  data: Float64Array;
}

function product(dims: readonly number[]): number {
  return dims.reduce((p, d) => p * d, 1);
}

function lastOf(dims: readonly number[]): number {
  return dims[dims.length - 1]!;
}

function at(x: RefInput, i: number): number {
  return (x.data as ArrayLike<number>)[i]!;
}

function output(dims: readonly number[]): RefOutput {
  return { dims: [...dims], data: new Float64Array(product(dims)) };
}

/** Applies f to every row of the last axis; f returns the output row. */
function mapRows(x: RefInput, f: (row: number[]) => number[]): RefOutput {
  const n = lastOf(x.dims);
  const out = output(x.dims);
  for (let start = 0; start < out.data.length; start += n) {
    const row = Array.from({ length: n }, (_, i) => at(x, start + i));
    out.data.set(f(row), start);
  }
  return out;
}

export function refMatmul(a: RefInput, b: RefInput, transposeB = false): RefOutput {
  const ra = a.dims.length;
  const rb = b.dims.length;
  const m = a.dims[ra - 2]!;
  const k = a.dims[ra - 1]!;
  const n = transposeB ? b.dims[rb - 2]! : b.dims[rb - 1]!;
  const batch = product(a.dims.slice(0, ra - 2));
  const bStride = rb === 2 ? 0 : k * n;
  const out = output([...a.dims.slice(0, ra - 2), m, n]);
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) {
          const bIndex = t * bStride + (transposeB ? j * k + p : p * n + j);
          sum += at(a, (t * m + i) * k + p) * at(b, bIndex);
        }
        out.data[(t * m + i) * n + j] = sum;
      }
    }
  }
  return out;
}

export function refLinear(x: RefInput, weight: RefInput, bias?: RefInput): RefOutput {
  const [outFeatures, inFeatures] = weight.dims as [number, number];
  const rows = product(x.dims) / inFeatures;
  const out = output([...x.dims.slice(0, -1), outFeatures]);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outFeatures; o++) {
      let sum = bias ? at(bias, o) : 0;
      for (let i = 0; i < inFeatures; i++) sum += at(x, r * inFeatures + i) * at(weight, o * inFeatures + i);
      out.data[r * outFeatures + o] = sum;
    }
  }
  return out;
}

function broadcast(a: RefInput, b: RefInput, f: (x: number, y: number) => number): RefOutput {
  const period = product(b.dims);
  const out = output(a.dims);
  for (let i = 0; i < out.data.length; i++) out.data[i] = f(at(a, i), at(b, i % period));
  return out;
}

export function refAdd(a: RefInput, b: RefInput): RefOutput {
  return broadcast(a, b, (x, y) => x + y);
}

export function refMul(a: RefInput, b: RefInput): RefOutput {
  return broadcast(a, b, (x, y) => x * y);
}

export function refRmsNorm(x: RefInput, weight: RefInput, eps: number): RefOutput {
  return mapRows(x, (row) => {
    const meanSquare = row.reduce((s, v) => s + v * v, 0) / row.length;
    return row.map((v, i) => (v / Math.sqrt(meanSquare + eps)) * at(weight, i));
  });
}

export function refLayerNorm(
  x: RefInput,
  weight: RefInput,
  bias: RefInput | undefined,
  eps: number,
): RefOutput {
  return mapRows(x, (row) => {
    const mean = row.reduce((s, v) => s + v, 0) / row.length;
    const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / row.length;
    return row.map(
      (v, i) => ((v - mean) / Math.sqrt(variance + eps)) * at(weight, i) + (bias ? at(bias, i) : 0),
    );
  });
}

export function refRope(x: RefInput, positions: RefInput, theta: number): RefOutput {
  const r = x.dims.length;
  const [s, h, d] = x.dims.slice(r - 3) as [number, number, number];
  const half = d / 2;
  const out = output(x.dims);
  const vectors = product(x.dims) / d;
  for (let vector = 0; vector < vectors; vector++) {
    const position = at(positions, Math.floor(vector / h) % s);
    const start = vector * d;
    for (let i = 0; i < half; i++) {
      const angle = position * theta ** ((-2 * i) / d);
      const x1 = at(x, start + i);
      const x2 = at(x, start + i + half);
      out.data[start + i] = x1 * Math.cos(angle) - x2 * Math.sin(angle);
      out.data[start + i + half] = x2 * Math.cos(angle) + x1 * Math.sin(angle);
    }
  }
  return out;
}

export function refSoftmax(x: RefInput): RefOutput {
  return mapRows(x, (row) => {
    const max = Math.max(...row);
    const exps = row.map((v) => Math.exp(v - max));
    const sum = exps.reduce((s, e) => s + e, 0);
    return exps.map((e) => e / sum);
  });
}

export function refLogSoftmax(x: RefInput): RefOutput {
  return mapRows(x, (row) => {
    const max = Math.max(...row);
    const logSum = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    return row.map((v) => v - logSum);
  });
}

function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

export function refSilu(x: RefInput): RefOutput {
  return mapRows(x, (row) => row.map((v) => v * sigmoid(v)));
}

export function refSwiglu(gate: RefInput, up: RefInput): RefOutput {
  return broadcast(gate, up, (g, u) => g * sigmoid(g) * u);
}

export interface RefAttentionOptions {
  scale?: number;
  causal?: boolean;
  /** `type` 'bool' (nonzero = attend) or anything else (added to the scores). */
  mask?: RefInput & { readonly type: string };
}

export function refAttention(
  q: RefInput,
  k: RefInput,
  v: RefInput,
  options: RefAttentionOptions = {},
): RefOutput {
  const [b, sq, hq, d] = q.dims as [number, number, number, number];
  const [, sk, hkv] = k.dims as [number, number, number, number];
  const scale = options.scale ?? 1 / Math.sqrt(d);
  const { mask, causal = false } = options;
  const maskIndex = (batch: number, head: number, i: number, j: number): number => {
    if (!mask) return -1;
    const md = mask.dims;
    if (md.length === 2) return i * sk + j;
    if (md.length === 3) return (batch * sq + i) * sk + j;
    const maskHead = md[1] === 1 ? 0 : head;
    return ((batch * md[1]! + maskHead) * sq + i) * sk + j;
  };
  const out = output(q.dims);
  for (let batch = 0; batch < b; batch++) {
    for (let head = 0; head < hq; head++) {
      const kvHead = Math.floor((head * hkv) / hq);
      for (let i = 0; i < sq; i++) {
        const qAt = (c: number) => at(q, ((batch * sq + i) * hq + head) * d + c);
        const scores: number[] = [];
        for (let j = 0; j < sk; j++) {
          const causalOk = !causal || j <= i + (sk - sq);
          const boolOk = mask?.type !== 'bool' || at(mask, maskIndex(batch, head, i, j)) !== 0;
          if (!causalOk || !boolOk) {
            scores.push(Number.NEGATIVE_INFINITY);
            continue;
          }
          let dot = 0;
          for (let c = 0; c < d; c++) dot += qAt(c) * at(k, ((batch * sk + j) * hkv + kvHead) * d + c);
          const added = mask && mask.type !== 'bool' ? at(mask, maskIndex(batch, head, i, j)) : 0;
          scores.push(dot * scale + added);
        }
        const max = Math.max(...scores);
        if (max === Number.NEGATIVE_INFINITY) continue; // no visible key: output 0
        const weights = scores.map((s) => Math.exp(s - max));
        const total = weights.reduce((s, w) => s + w, 0);
        for (let c = 0; c < d; c++) {
          let sum = 0;
          for (let j = 0; j < sk; j++) sum += weights[j]! * at(v, ((batch * sk + j) * hkv + kvHead) * d + c);
          out.data[((batch * sq + i) * hq + head) * d + c] = sum / total;
        }
      }
    }
  }
  return out;
}

export function refEmbedding(ids: RefInput, table: RefInput): RefOutput {
  const d = table.dims[1]!;
  const out = output([...ids.dims, d]);
  for (let i = 0; i < ids.data.length; i++) {
    for (let c = 0; c < d; c++) out.data[i * d + c] = at(table, at(ids, i) * d + c);
  }
  return out;
}

export function refGatherRows(x: RefInput, rows: RefInput): RefOutput {
  const r = x.dims.length;
  const [n, d] = x.dims.slice(r - 2) as [number, number];
  const picked = rows.data.length;
  const out = output([...x.dims.slice(0, r - 2), picked, d]);
  const outer = product(x.dims.slice(0, r - 2));
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < picked; i++) {
      for (let c = 0; c < d; c++) out.data[(o * picked + i) * d + c] = at(x, (o * n + at(rows, i)) * d + c);
    }
  }
  return out;
}

export function refScatterRows(x: RefInput, rows: RefInput, src: RefInput): RefOutput {
  const r = x.dims.length;
  const [n, d] = x.dims.slice(r - 2) as [number, number];
  const placed = rows.data.length;
  const out = output(x.dims);
  out.data.set(x.data as ArrayLike<number>);
  const outer = product(x.dims.slice(0, r - 2));
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < placed; i++) {
      for (let c = 0; c < d; c++) out.data[(o * n + at(rows, i)) * d + c] = at(src, (o * placed + i) * d + c);
    }
  }
  return out;
}

export function refCosineRows(a: RefInput, b: RefInput): RefOutput {
  const d = lastOf(a.dims);
  const out = output(a.dims.slice(0, -1));
  for (let r = 0; r < out.data.length; r++) {
    let dot = 0;
    let aa = 0;
    let bb = 0;
    for (let c = 0; c < d; c++) {
      dot += at(a, r * d + c) * at(b, r * d + c);
      aa += at(a, r * d + c) ** 2;
      bb += at(b, r * d + c) ** 2;
    }
    out.data[r] = dot / (Math.max(Math.sqrt(aa), 1e-8) * Math.max(Math.sqrt(bb), 1e-8));
  }
  return out;
}

export function refTopk(x: RefInput, k: number): { values: RefOutput; indices: RefOutput } {
  const n = lastOf(x.dims);
  const dims = [...x.dims.slice(0, -1), k];
  const values = output(dims);
  const indices = output(dims);
  const rows = product(x.dims.slice(0, -1));
  for (let r = 0; r < rows; r++) {
    const order = Array.from({ length: n }, (_, i) => i);
    // Array.prototype.sort is stable, so equal values keep their index order.
    order.sort((i, j) => at(x, r * n + j) - at(x, r * n + i));
    for (let i = 0; i < k; i++) {
      indices.data[r * k + i] = order[i]!;
      values.data[r * k + i] = at(x, r * n + order[i]!);
    }
  }
  return { values, indices };
}

export function refArgmax(x: RefInput): RefOutput {
  const n = lastOf(x.dims);
  const out = output(x.dims.slice(0, -1));
  for (let r = 0; r < out.data.length; r++) {
    let best = 0;
    for (let i = 1; i < n; i++) if (at(x, r * n + i) > at(x, r * n + best)) best = i;
    out.data[r] = best;
  }
  return out;
}

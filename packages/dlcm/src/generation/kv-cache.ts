import { f32, f32Data, type Tensor } from '@unmask/tensor';

/** One growing token-major sequence of rows [1, N, heads, dim] (doubling its storage as it grows). */
class GrowingRows {
  private data: Float32Array;
  private rows = 0;

  constructor(
    private readonly heads: number,
    private readonly dim: number,
  ) {
    this.data = new Float32Array(16 * heads * dim);
  }

  append(rows: Tensor): void {
    const values = f32Data(rows);
    const end = this.rows * this.heads * this.dim + values.length;
    if (end > this.data.length) {
      const grown = new Float32Array(Math.max(end, 2 * this.data.length));
      grown.set(this.data.subarray(0, this.rows * this.heads * this.dim));
      this.data = grown;
    }
    this.data.set(values, this.rows * this.heads * this.dim);
    this.rows += rows.dims[1]!;
  }

  /** The rows so far as [1, N, heads, dim]: a view, valid until the next append. */
  tensor(): Tensor {
    return f32(
      [1, this.rows, this.heads, this.dim],
      this.data.subarray(0, this.rows * this.heads * this.dim),
    );
  }
}

/** The keys and values of one attention layer over every row appended so far (batch 1). */
export class KvCache {
  private readonly k: GrowingRows;
  private readonly v: GrowingRows;
  private count = 0;

  constructor(heads: number, dim: number) {
    this.k = new GrowingRows(heads, dim);
    this.v = new GrowingRows(heads, dim);
  }

  get length(): number {
    return this.count;
  }

  /** Appends k, v [1, R, heads, dim]. */
  append(k: Tensor, v: Tensor): void {
    this.k.append(k);
    this.v.append(v);
    this.count += k.dims[1]!;
  }

  keys(): Tensor {
    return this.k.tensor();
  }

  values(): Tensor {
    return this.v.tensor();
  }
}

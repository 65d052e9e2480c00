import type { Tensor } from 'onnxruntime-common';
import { describe, expect, it } from 'vitest';
import type { AttentionOptions } from '../../backend';
import { bool, type Dims, f32 } from '../../shape';
import { expectClose, showDims, unchanged } from '../check';
import type { SuiteContext } from '../context';
import { type InputGenerator, inputGenerator } from '../random';
import { refAttention } from '../reference';

interface AttentionCase {
  name: string;
  /** [B, Sq, Hq, D] */
  q: Dims;
  /** [B, Sk, Hkv, D] */
  kv: Dims;
  causal?: boolean;
  scale?: number;
  mask?: (g: InputGenerator) => Tensor;
}

/** An additive mask: small random biases, some large negatives and some -Infinity. */
function additiveMask(dims: Dims): (g: InputGenerator) => Tensor {
  return (g) => {
    const mask = g.floats(dims, 2);
    const data = mask.data as Float32Array;
    for (let i = 0; i < data.length; i += 5) data[i] = g.int(2) === 0 ? -1e4 : Number.NEGATIVE_INFINITY;
    // Key 1 stays finite in every row, so that no row is fully masked.
    for (let i = 1; i < data.length; i += dims[dims.length - 1]!) data[i] = g.uniform();
    return mask;
  };
}

const cases: AttentionCase[] = [
  { name: 'no mask, GQA 1', q: [1, 4, 2, 8], kv: [1, 6, 2, 8] },
  { name: 'no mask, GQA 2', q: [2, 5, 4, 16], kv: [2, 7, 2, 16] },
  { name: 'causal Sq == Sk, GQA 4', q: [1, 6, 8, 8], kv: [1, 6, 2, 8], causal: true },
  { name: 'causal Sq < Sk, GQA 7', q: [1, 4, 7, 8], kv: [1, 9, 1, 8], causal: true },
  { name: 'causal Sq < Sk, GQA 7 with 2 KV heads', q: [2, 3, 14, 4], kv: [2, 5, 2, 4], causal: true },
  { name: 'one query row over 33 keys', q: [2, 1, 4, 16], kv: [2, 33, 2, 16] },
  { name: 'one query row, causal', q: [1, 1, 2, 8], kv: [1, 7, 1, 8], causal: true },
  { name: 'custom scale', q: [1, 5, 2, 7], kv: [1, 5, 2, 7], scale: 0.3 },
  {
    name: 'custom scale, causal, long keys',
    q: [1, 3, 2, 16],
    kv: [1, 65, 1, 16],
    scale: 0.05,
    causal: true,
  },
  { name: 'bool mask [Sq, Sk]', q: [2, 4, 2, 8], kv: [2, 6, 1, 8], mask: (g) => g.bools([4, 6], 0.7) },
  { name: 'bool mask [B, Sq, Sk]', q: [2, 4, 4, 8], kv: [2, 6, 2, 8], mask: (g) => g.bools([2, 4, 6], 0.7) },
  {
    name: 'bool mask [B, 1, Sq, Sk]',
    q: [2, 3, 2, 8],
    kv: [2, 5, 2, 8],
    mask: (g) => g.bools([2, 1, 3, 5], 0.7),
  },
  {
    name: 'bool mask [B, Hq, Sq, Sk]',
    q: [2, 3, 4, 8],
    kv: [2, 5, 1, 8],
    mask: (g) => g.bools([2, 4, 3, 5], 0.7),
  },
  {
    name: 'bool mask [B, Hq, Sq, Sk] and causal',
    q: [1, 5, 4, 8],
    kv: [1, 7, 2, 8],
    causal: true,
    mask: (g) => g.bools([1, 4, 5, 7], 0.7),
  },
  { name: 'additive mask [Sq, Sk]', q: [1, 4, 2, 8], kv: [1, 6, 2, 8], mask: additiveMask([4, 6]) },
  { name: 'additive mask [B, Sq, Sk]', q: [2, 3, 2, 8], kv: [2, 5, 1, 8], mask: additiveMask([2, 3, 5]) },
  {
    name: 'additive mask [B, 1, Sq, Sk]',
    q: [2, 3, 4, 8],
    kv: [2, 5, 2, 8],
    mask: additiveMask([2, 1, 3, 5]),
  },
  {
    name: 'additive mask [B, Hq, Sq, Sk] and causal',
    q: [2, 4, 4, 8],
    kv: [2, 6, 4, 8],
    causal: true,
    mask: additiveMask([2, 4, 4, 6]),
  },
];

/** [B, S, H, D] -> [B, H, S, D] (a copy). */
function headMajor(t: Tensor): Tensor {
  const [b, s, h, d] = t.dims as [number, number, number, number];
  const src = t.data as Float32Array;
  const out = new Float32Array(src.length);
  for (let bi = 0; bi < b; bi++)
    for (let si = 0; si < s; si++)
      for (let hi = 0; hi < h; hi++)
        out.set(
          src.subarray(((bi * s + si) * h + hi) * d, ((bi * s + si) * h + hi + 1) * d),
          ((bi * h + hi) * s + si) * d,
        );
  return f32([b, h, s, d], out);
}

export function describeAttention(ctx: SuiteContext): void {
  describe('attention', () => {
    for (const c of cases) {
      it(`${c.name}: q ${showDims(c.q)} kv ${showDims(c.kv)}`, () => {
        const g = inputGenerator(`attention ${c.name}`);
        const q = g.floats(c.q, 2);
        const k = g.floats(c.kv, 2);
        const v = g.floats(c.kv);
        const options: AttentionOptions = {};
        if (c.causal !== undefined) options.causal = c.causal;
        if (c.scale !== undefined) options.scale = c.scale;
        if (c.mask) options.mask = c.mask(g);
        const out = unchanged([q, k, v, options.mask], () => ctx.backend().attention(q, k, v, options));
        const expected = refAttention(q, k, v, options);
        expectClose(out, expected, ctx.rtol);
        const [kh, vh] = [headMajor(k), headMajor(v)];
        const headMajorOut = unchanged([q, kh, vh, options.mask], () =>
          ctx.backend().attention(q, kh, vh, { ...options, kvHeadMajor: true }),
        );
        expectClose(headMajorOut, expected, ctx.rtol);
      });
    }

    it('rows that see no key output exactly 0 (bool mask, causal with Sq > Sk)', () => {
      const g = inputGenerator('attention fully masked');
      const [b, sq, hq, d] = [2, 4, 2, 8];
      const q = g.floats([b, sq, hq, d]);
      const k = g.floats([b, 3, 1, d]);
      const v = g.floats([b, 3, 1, d]);
      // Row 1 of batch 0 and row 3 of batch 1 see nothing; every other row sees some key.
      const visible = [1, 0, 1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 0, 0];
      const mask = bool([b, sq, 3], visible);
      const masked = unchanged([q, k, v, mask], () => ctx.backend().attention(q, k, v, { mask }));
      expectClose(masked, refAttention(q, k, v, { mask }), ctx.rtol);
      const out = masked.data as Float32Array;
      const rowValues = (batch: number, row: number) =>
        Array.from(out.subarray((batch * sq + row) * hq * d, (batch * sq + row + 1) * hq * d));
      expect(rowValues(0, 1).every((x) => x === 0)).toBe(true);
      expect(rowValues(1, 3).every((x) => x === 0)).toBe(true);

      // Causal with Sq > Sk: query i sees keys j <= i - 1, so row 0 sees none.
      const causal = unchanged([q, k, v], () => ctx.backend().attention(q, k, v, { causal: true }));
      expectClose(causal, refAttention(q, k, v, { causal: true }), ctx.rtol);
      const causalOut = causal.data as Float32Array;
      for (let batch = 0; batch < b; batch++) {
        const row0 = causalOut.subarray(batch * sq * hq * d, (batch * sq + 1) * hq * d);
        expect(row0.every((x) => x === 0)).toBe(true);
      }
    });

    it('a row whose additive mask is all -Infinity outputs exactly 0', () => {
      const g = inputGenerator('attention additive -Infinity row');
      const q = g.floats([1, 3, 2, 8]);
      const k = g.floats([1, 4, 1, 8]);
      const v = g.floats([1, 4, 1, 8]);
      const mask = g.floats([3, 4]);
      (mask.data as Float32Array).fill(Number.NEGATIVE_INFINITY, 4, 8);
      const out = unchanged([q, k, v, mask], () => ctx.backend().attention(q, k, v, { mask }));
      expectClose(out, refAttention(q, k, v, { mask }), ctx.rtol);
      const row1 = (out.data as Float32Array).subarray(2 * 8, 4 * 8);
      expect(row1.every((x) => x === 0)).toBe(true);
    });

    it('a zero additive mask equals no mask', () => {
      const g = inputGenerator('attention zero additive mask');
      const q = g.floats([1, 3, 2, 8]);
      const k = g.floats([1, 4, 2, 8]);
      const v = g.floats([1, 4, 2, 8]);
      const withMask = ctx.backend().attention(q, k, v, { mask: f32([3, 4]) });
      expectClose(withMask, refAttention(q, k, v), ctx.rtol);
    });
  });
}

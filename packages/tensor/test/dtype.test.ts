import { describe, expect, it } from 'vitest';
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16 } from '../src/dtype';

const f32FromBits = (bits: number) => new Float32Array(new Uint32Array([bits]).buffer)[0]!;
const toF16 = (x: number) => f32ToF16(Float32Array.of(x))[0]!;
const toBf16 = (x: number) => f32ToBf16(Float32Array.of(x))[0]!;
const fromF16 = (h: number) => f16ToF32(Uint16Array.of(h))[0]!;
const fromBf16 = (h: number) => bf16ToF32(Uint16Array.of(h))[0]!;
const isF16NaN = (h: number) => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
const isBf16NaN = (h: number) => (h & 0x7f80) === 0x7f80 && (h & 0x7f) !== 0;

describe('bf16ToF32', () => {
  it.each([
    ['0x0000', 0],
    ['0x8000', -0],
    ['0x3f80', 1],
    ['0xc000', -2],
    ['0x7f80', Number.POSITIVE_INFINITY],
    ['0xff80', Number.NEGATIVE_INFINITY],
    ['0x0001', 2 ** -133],
    ['0x007f', 127 * 2 ** -133],
    ['0x0080', 2 ** -126],
    ['0x7f7f', (2 - 2 ** -7) * 2 ** 127],
  ])('%s -> %s', (bits, expected) => {
    expect(Object.is(fromBf16(Number(bits)), expected)).toBe(true);
  });

  it('NaN', () => {
    expect(fromBf16(0x7fc0)).toBeNaN();
    expect(fromBf16(0xffc1)).toBeNaN();
  });

  it('writes into a given output', () => {
    const out = new Float32Array(3);
    expect(bf16ToF32(Uint16Array.of(0x3f80, 0x4000), out.subarray(1))).toEqual(Float32Array.of(1, 2));
    expect(out).toEqual(Float32Array.of(0, 1, 2));
  });
});

describe('f16ToF32', () => {
  it.each([
    ['0x0000', 0],
    ['0x8000', -0],
    ['0x3c00', 1],
    ['0xc000', -2],
    ['0x7c00', Number.POSITIVE_INFINITY],
    ['0xfc00', Number.NEGATIVE_INFINITY],
    ['0x0001', 2 ** -24],
    ['0x8001', -(2 ** -24)],
    ['0x03ff', 1023 * 2 ** -24],
    ['0x0400', 2 ** -14],
    ['0x7bff', 65504],
    ['0x3555', 0.333251953125],
  ])('%s -> %s', (bits, expected) => {
    expect(Object.is(fromF16(Number(bits)), expected)).toBe(true);
  });

  it('NaN', () => {
    expect(fromF16(0x7e00)).toBeNaN();
    expect(fromF16(0xfc01)).toBeNaN();
  });
});

describe('f32ToF16', () => {
  it.each([
    ['+0', 0, 0x0000],
    ['-0', -0, 0x8000],
    ['1', 1, 0x3c00],
    ['+Inf', Number.POSITIVE_INFINITY, 0x7c00],
    ['-Inf', Number.NEGATIVE_INFINITY, 0xfc00],
    ['largest normal', 65504, 0x7bff],
    ['just below the overflow midpoint', 65519.996, 0x7bff],
    ['the overflow midpoint (ties to even: Inf)', 65520, 0x7c00],
    ['overflow', 1e10, 0x7c00],
    ['negative overflow', -1e10, 0xfc00],
    ['largest f32', f32FromBits(0x7f7fffff), 0x7c00],
    ['smallest normal', 2 ** -14, 0x0400],
    ['largest subnormal', 1023 * 2 ** -24, 0x03ff],
    ['between largest subnormal and smallest normal (tie up to even)', 1023.5 * 2 ** -24, 0x0400],
    ['smallest subnormal', 2 ** -24, 0x0001],
    ['negative smallest subnormal', -(2 ** -24), 0x8001],
    ['half the smallest subnormal (tie to even: 0)', 2 ** -25, 0x0000],
    ['just above half the smallest subnormal', 2 ** -25 * (1 + 2 ** -20), 0x0001],
    ['1.5 subnormal units (tie to even: 2)', 3 * 2 ** -25, 0x0002],
    ['2.5 subnormal units (tie to even: 2)', 5 * 2 ** -25, 0x0002],
    ['underflow', 1e-10, 0x0000],
    ['negative underflow', -1e-10, 0x8000],
    ['f32 subnormal', f32FromBits(0x00000001), 0x0000],
    ['1 + half ulp (tie to even: down)', 1 + 2 ** -11, 0x3c00],
    ['1 + 3 half ulps (tie to even: up)', 1 + 3 * 2 ** -11, 0x3c02],
    ['1 + just over half ulp', 1 + 2 ** -11 + 2 ** -20, 0x3c01],
    ['rounding carries into the exponent', 2 - 2 ** -12, 0x4000],
  ])('%s', (_, x, expected) => {
    expect(toF16(x).toString(16)).toBe(expected.toString(16));
  });

  it('NaN stays NaN, quiet or signalling', () => {
    expect(isF16NaN(toF16(Number.NaN))).toBe(true);
    expect(isF16NaN(toF16(f32FromBits(0x7f800001)))).toBe(true);
    expect(isF16NaN(toF16(f32FromBits(0xff800100)))).toBe(true);
  });

  it('round-trips every non-NaN half exactly', () => {
    const halves = Uint16Array.from({ length: 65536 }, (_, h) => h).filter((h) => !isF16NaN(h));
    const back = f32ToF16(f16ToF32(halves));
    const mismatches = halves.filter((h, i) => back[i] !== h);
    expect(halves.length).toBe(65536 - 2046);
    expect(Array.from(mismatches.slice(0, 5))).toEqual([]);
  });
});

describe('f32ToBf16', () => {
  it.each([
    ['+0', 0, 0x0000],
    ['-0', -0, 0x8000],
    ['1', 1, 0x3f80],
    ['+Inf', Number.POSITIVE_INFINITY, 0x7f80],
    ['-Inf', Number.NEGATIVE_INFINITY, 0xff80],
    ['largest bf16 normal', f32FromBits(0x7f7f0000), 0x7f7f],
    ['largest f32 (rounds to Inf)', f32FromBits(0x7f7fffff), 0x7f80],
    ['smallest bf16 subnormal', f32FromBits(0x00010000), 0x0001],
    ['largest bf16 subnormal', f32FromBits(0x007f0000), 0x007f],
    ['smallest f32 subnormal (underflow to 0)', f32FromBits(0x00000001), 0x0000],
    ['half a bf16 subnormal unit (tie to even: 0)', f32FromBits(0x00008000), 0x0000],
    ['1.5 bf16 subnormal units (tie to even: 2)', f32FromBits(0x00018000), 0x0002],
    ['1 + half ulp (tie to even: down)', 1 + 2 ** -8, 0x3f80],
    ['1 + 3 half ulps (tie to even: up)', 1 + 3 * 2 ** -8, 0x3f82],
    ['1 + just over half ulp', 1 + 2 ** -8 + 2 ** -20, 0x3f81],
    ['rounding carries into the exponent', 2 - 2 ** -9, 0x4000],
  ])('%s', (_, x, expected) => {
    expect(toBf16(x).toString(16)).toBe(expected.toString(16));
  });

  it('NaN stays NaN, including signalling NaNs whose payload is in the low bits', () => {
    expect(isBf16NaN(toBf16(Number.NaN))).toBe(true);
    expect(isBf16NaN(toBf16(f32FromBits(0x7f800001)))).toBe(true);
    expect(isBf16NaN(toBf16(f32FromBits(0xffffffff)))).toBe(true);
  });

  it('round-trips every non-NaN bf16 exactly', () => {
    const values = Uint16Array.from({ length: 65536 }, (_, h) => h).filter((h) => !isBf16NaN(h));
    const back = f32ToBf16(bf16ToF32(values));
    expect(Array.from(values.filter((h, i) => back[i] !== h).slice(0, 5))).toEqual([]);
  });

  it('reads a Float32Array view at an offset', () => {
    const buffer = Float32Array.of(7, 1, -2);
    expect(Array.from(f32ToBf16(buffer.subarray(1)))).toEqual([0x3f80, 0xc000]);
    expect(Array.from(f32ToF16(buffer.subarray(1)))).toEqual([0x3c00, 0xc000]);
  });
});

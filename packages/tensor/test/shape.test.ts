import { describe, expect, it } from 'vitest';
import {
  bool,
  dimsProduct,
  f32,
  f32Data,
  i32,
  i32Data,
  lastDim,
  numel,
  reshape,
  sameDims,
} from '../src/shape';

describe('shape helpers', () => {
  it('numel and dimsProduct', () => {
    expect(numel([2, 3, 4])).toBe(24);
    expect(numel([])).toBe(1);
    expect(numel([3, 0])).toBe(0);
    expect(dimsProduct([2, 3, 4], 1)).toBe(12);
    expect(dimsProduct([2, 3, 4], 0, 2)).toBe(6);
    expect(dimsProduct([2, 3, 4], 1, 1)).toBe(1);
  });

  it('sameDims and lastDim', () => {
    expect(sameDims([2, 3], [2, 3])).toBe(true);
    expect(sameDims([2, 3], [3, 2])).toBe(false);
    expect(sameDims([2], [2, 1])).toBe(false);
    expect(lastDim([4, 7])).toBe(7);
  });

  it('tensor constructors check the length and take typed arrays as they are', () => {
    const data = new Float32Array(6);
    expect(f32([2, 3], data).data).toBe(data);
    expect(Array.from(f32Data(f32([2], [1.5, -2])))).toEqual([1.5, -2]);
    expect(Array.from(i32Data(i32([3], [1, 2, 3])))).toEqual([1, 2, 3]);
    expect(Array.from(bool([3], [true, false, 1]).data as Uint8Array)).toEqual([1, 0, 1]);
    expect(f32([2, 2]).data).toEqual(new Float32Array(4));
    expect(() => f32([2, 3], [1, 2])).toThrow(RangeError);
    expect(() => i32([2], new Int32Array(3))).toThrow(/3 values for shape \[2\]/);
  });

  it('typed data accessors reject the wrong dtype', () => {
    expect(() => f32Data(i32([1]))).toThrow(/expected a float32 tensor, got int32/);
    expect(() => i32Data(f32([1]))).toThrow(/expected an int32 tensor, got float32/);
  });

  it('reshape shares the data and checks the element count', () => {
    const t = f32([2, 3], [1, 2, 3, 4, 5, 6]);
    const r = reshape(t, [3, 2]);
    expect([...r.dims]).toEqual([3, 2]);
    expect(r.data).toBe(t.data);
    expect(() => reshape(t, [4, 2])).toThrow(/\[2, 3\] has 6 elements, \[4, 2\] needs 8/);
  });
});

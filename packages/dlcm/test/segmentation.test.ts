import { cpuBackend, f32, f32Data } from '@unmask/tensor';
import { describe, expect, it } from 'vitest';
import {
  completedConceptMask,
  meanPoolSegments,
  replicateConcepts,
  SegmentationError,
  segmentBoundaries,
} from '../src';

describe('segmentation, pooling and replication', () => {
  // Row 0: segments [0 1] [2 3 4] [5]; row 1: one segment of six tokens.
  const starts = Uint8Array.from([1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
  const segmentation = segmentBoundaries(starts, 2, 6);

  it('numbers segments from boundary flags', () => {
    expect(Array.from(segmentation.segmentIds)).toEqual([0, 0, 1, 1, 1, 2, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(segmentation.segmentStarts)).toEqual([0, 0, 2, 2, 2, 5, 0, 0, 0, 0, 0, 0]);
    expect(segmentation.counts).toEqual([3, 1]);
  });

  it('refuses a row whose first token starts no segment, and flags that are not 0/1', () => {
    expect(() => segmentBoundaries(Uint8Array.from([1, 0, 0, 1]), 2, 2)).toThrow(SegmentationError);
    expect(() => segmentBoundaries(Uint8Array.from([1, 0, 0, 1]), 2, 2)).toThrow(
      /row 1: the first token must start a segment/,
    );
    expect(() => segmentBoundaries(Uint8Array.from([1, 2]), 1, 2)).toThrow(/flag 2 is not 0 or 1/);
    expect(() => segmentBoundaries(Uint8Array.from([1, 0, 0]), 1, 2)).toThrow(
      /3 boundary flags for a \[1, 2\] batch/,
    );
  });

  it('mean-pools each segment, padding short rows with zero concepts', () => {
    // hidden[b, t] = [t, 10 * b].
    const hidden = f32(
      [2, 6, 2],
      Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? (i / 2) % 6 : i >= 12 ? 10 : 0)),
    );
    const pooled = meanPoolSegments(hidden, segmentation);
    expect(pooled.dims).toEqual([2, 3, 2]);
    expect(Array.from(f32Data(pooled))).toEqual([0.5, 0, 3, 0, 5, 0, 2.5, 10, 0, 0, 0, 0]);
  });

  it('replicates concepts along the tokens, null concept first', () => {
    // Concept rows [B, 1 + 3, 1]: value 10 * b + row.
    const concepts = f32([2, 4, 1], [0, 1, 2, 3, 10, 11, 12, 13]);
    const replicated = replicateConcepts(cpuBackend, concepts, segmentation);
    expect(replicated.dims).toEqual([2, 7, 1]);
    expect(Array.from(f32Data(replicated))).toEqual([0, 1, 1, 2, 2, 2, 3, 10, 11, 11, 11, 11, 11, 11]);
  });

  it('lets each token see the null concept and each completed concept once', () => {
    const mask = completedConceptMask(segmentation);
    expect(mask.dims).toEqual([2, 6, 7]);
    // Keys: null, then tokens 0..5; segment starts at 0, 2, 5.
    const row0 = [
      [1, 0, 0, 0, 0, 0, 0],
      [1, 0, 0, 0, 0, 0, 0],
      [1, 1, 0, 0, 0, 0, 0],
      [1, 1, 0, 0, 0, 0, 0],
      [1, 1, 0, 0, 0, 0, 0],
      [1, 1, 0, 1, 0, 0, 0],
    ];
    const row1 = Array.from({ length: 6 }, () => [1, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(mask.data as Uint8Array)).toEqual([...row0, ...row1].flat());
    expect(mask.type).toBe('bool');
  });
});

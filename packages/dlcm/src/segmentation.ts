import { SegmentationError } from './errors';

/** Which segment (concept) every token of a [B, S] batch belongs to. */
export interface Segmentation {
  batch: number;
  length: number;
  /** [B * S]: 1 where a token starts a segment (its row's first token always does). */
  starts: Uint8Array;
  /** [B * S]: the token's segment index within its row, 0-based. */
  segmentIds: Int32Array;
  /** Segments per row. */
  counts: number[];
  /** [B * S]: the position of the first token of the token's segment. */
  segmentStarts: Int32Array;
}

/** Segments from boundary flags [B * S] (1 = a segment starts here). */
export function segmentBoundaries(starts: Uint8Array, batch: number, length: number): Segmentation {
  if (starts.length !== batch * length) {
    throw new SegmentationError(`${starts.length} boundary flags for a [${batch}, ${length}] batch`);
  }
  const segmentIds = new Int32Array(batch * length);
  const segmentStarts = new Int32Array(batch * length);
  const counts: number[] = [];
  for (let b = 0; b < batch; b++) {
    if (length > 0 && starts[b * length] !== 1) {
      throw new SegmentationError(
        `row ${b}: the first token must start a segment (flag ${starts[b * length]})`,
      );
    }
    let segment = -1;
    let start = 0;
    for (let t = 0; t < length; t++) {
      const flag = starts[b * length + t]!;
      if (flag !== 0 && flag !== 1)
        throw new SegmentationError(`row ${b} token ${t}: boundary flag ${flag} is not 0 or 1`);
      if (flag === 1) {
        segment++;
        start = t;
      }
      segmentIds[b * length + t] = segment;
      segmentStarts[b * length + t] = start;
    }
    counts.push(segment + 1);
  }
  return { batch, length, starts, segmentIds, counts, segmentStarts };
}

/** The most segments in any row (the padded concept length of a batch). */
export function maxSegments(segmentation: Segmentation): number {
  return Math.max(0, ...segmentation.counts);
}

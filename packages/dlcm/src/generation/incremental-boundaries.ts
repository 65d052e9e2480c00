import { f32, f32Data, type Tensor } from '@unmask/tensor';
import type { BoundaryDetector } from '../boundary';

/**
 * The boundary detector run on a growing sequence. p_t reads encoder states t - 1 and t only, so
 * the state is the last encoder state seen. It is kept as the raw state rather than the learned
 * detector's q_{t-1}: re-projecting it costs one d_token x d_token product per call and leaves the
 * detector's own `probabilities` / `decide` the only definition of p_t and of the threshold.
 */
export class IncrementalBoundaries {
  private previous: Float32Array | undefined;

  constructor(private readonly detector: BoundaryDetector) {}

  /** p_t and boundary flags of new encoder states hidden [1, R, d_token] that follow the ones seen so far. */
  detect(hidden: Tensor): { probabilities: Float32Array; starts: Uint8Array } {
    const [, count, width] = hidden.dims as [number, number, number];
    const current = f32Data(hidden);
    const previous = this.previous;
    this.previous = current.slice((count - 1) * width);
    if (!previous) {
      const probabilities = this.detector.probabilities(hidden);
      return { probabilities, starts: this.detector.decide(probabilities, count) };
    }
    const rows = new Float32Array((1 + count) * width);
    rows.set(previous);
    rows.set(current, width);
    // Row 0 is the state already decided on; its forced p = 1 is dropped.
    const probabilities = this.detector.probabilities(f32([1, 1 + count, width], rows));
    const starts = this.detector.decide(probabilities, 1 + count);
    return { probabilities: probabilities.subarray(1), starts: starts.subarray(1) };
  }
}

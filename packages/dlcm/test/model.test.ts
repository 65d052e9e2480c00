import '@unmask/backend-ort';
import { f32Data, getBackend, i32, listBackends, mulberry32, ShapeError } from '@unmask/tensor';
import { describe, expect, it } from 'vitest';
import { SegmentationError } from '../src';
import { forwardWithConcepts, maxAbsDiff, randomIds, tinyConfig, tinyModel } from './tiny';

for (const backendName of listBackends()) {
  describe(`DLCM forward, on ${backendName}`, () => {
    const backend = getBackend(backendName);
    const config = tinyConfig();
    const model = tinyModel(backend, config, 9);
    const random = mulberry32(3);
    const rows = [randomIds(10, config.vocabSize, random), randomIds(10, config.vocabSize, random)];

    it('returns logits [B, S, V], boundary probabilities and concepts with the null concept first', () => {
      const out = forwardWithConcepts(model, i32([2, 10], rows.flat()));
      expect(out.logits.dims).toEqual([2, 10, config.vocabSize]);
      expect(out.probabilities.length).toBe(20);
      expect([out.probabilities[0], out.probabilities[10]]).toEqual([1, 1]);
      const concepts = Math.max(...out.segmentation.counts);
      expect(out.concepts.dims).toEqual([2, 1 + concepts, config.conceptPath!.dConcept]);
      expect(Array.from(f32Data(out.concepts).subarray(0, config.conceptPath!.dConcept))).toEqual(
        Array.from(f32Data(model.weights.conceptPath!.nullConcept)),
      );
    });

    it('a batch gives each row what it gives alone, whatever its number of concepts', () => {
      const batched = forwardWithConcepts(model, i32([2, 10], rows.flat()));
      expect(batched.segmentation.counts[0]).not.toBe(batched.segmentation.counts[1]);
      rows.forEach((ids, b) => {
        const alone = forwardWithConcepts(model, i32([1, 10], ids));
        const size = 10 * config.vocabSize;
        const part = f32Data(batched.logits).subarray(b * size, (b + 1) * size);
        expect(maxAbsDiff(part, f32Data(alone.logits))).toBeLessThan(1e-5);
        expect(Array.from(batched.segmentation.starts.subarray(b * 10, (b + 1) * 10))).toEqual(
          Array.from(alone.segmentation.starts),
        );
      });
    });

    it('takes boundaries from the caller instead of the detector', () => {
      const starts = Uint8Array.from([1, 0, 0, 1, 0, 0, 1, 0, 0, 1]);
      const out = forwardWithConcepts(model, i32([1, 10], rows[0]!), { starts });
      expect(out.segmentation.counts).toEqual([4]);
      expect(out.concepts.dims).toEqual([1, 5, config.conceptPath!.dConcept]);
      expect(() =>
        forwardWithConcepts(model, i32([1, 10], rows[0]!), { starts: new Uint8Array(10) }),
      ).toThrow(SegmentationError);
    });

    it('refuses ids of the wrong rank, an empty sequence or more tokens than positions', () => {
      expect(() => forwardWithConcepts(model, i32([10], rows[0]!))).toThrow(ShapeError);
      expect(() => forwardWithConcepts(model, i32([1, 0]))).toThrow(/S >= 1/);
      expect(() => forwardWithConcepts(model, i32([1, 65]))).toThrow(
        /sequence of 65 exceeds the model's 64 positions/,
      );
    });
  });
}

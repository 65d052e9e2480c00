import '@unmask/backend-ort';
import { bool, f32Data, getBackend, i32, i32Data, listBackends } from '@unmask/tensor';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../src';
import {
  decodeF32,
  FIXTURE_MODELS,
  type ForwardCase,
  type ForwardFixture,
  fixtureDir,
  readFixtureJson,
} from './fixtures';

/** max |a - b| / max |b| over the compared positions, the metric the issue names. */
function relativeError(
  actual: Float32Array,
  expected: Float32Array,
  vocab: number,
  positions: number[],
): number {
  let maxDiff = 0;
  let maxRef = 0;
  for (const p of positions) {
    for (let j = p * vocab; j < (p + 1) * vocab; j++) {
      maxDiff = Math.max(maxDiff, Math.abs(actual[j]! - expected[j]!));
      maxRef = Math.max(maxRef, Math.abs(expected[j]!));
    }
  }
  return maxDiff / maxRef;
}

/** Dream's padded call: pairwise bool mask and cumulative positions, as its sampler builds them. */
function paddedInputs(c: ForwardCase) {
  const am = c.attention_mask!;
  const l = am.length;
  const mask = bool(
    [1, 1, l, l],
    Array.from({ length: l * l }, (_, k) => am[Math.floor(k / l)]! === 1 && am[k % l]! === 1),
  );
  return { mask, positions: i32([l], c.position_ids!) };
}

for (const backendName of listBackends()) {
  describe(`forward on ${backendName} matches the official logits within 1e-4`, () => {
    for (const name of FIXTURE_MODELS) {
      const fixture = readFixtureJson<ForwardFixture>(name, 'forward.json');
      const model = loadModel(fixtureDir(name), { backend: getBackend(backendName) });
      for (const c of fixture.cases) {
        it(`${name} / ${c.name}`, () => {
          const ids = i32([1, c.seq_len], c.input_ids);
          const padded = fixture.family === 'dream' && c.attention_mask !== undefined;
          const norms: number[][] = [];
          const logits = model.forward(ids, {
            ...(padded ? paddedInputs(c) : {}),
            onHiddenState: (_, hidden) => {
              const data = f32Data(hidden);
              const width = hidden.dims[2]!;
              norms.push(
                Array.from({ length: c.seq_len }, (_, p) =>
                  Math.hypot(...data.subarray(p * width, (p + 1) * width)),
                ),
              );
            },
          });
          const [seq, vocab] = c.logits_shape;
          expect(logits.dims).toEqual([1, seq, vocab]);
          const positions = c.valid_positions ?? Array.from({ length: seq }, (_, p) => p);
          expect(relativeError(f32Data(logits), decodeF32(c.logits_b64), vocab, positions)).toBeLessThan(
            1e-4,
          );
          const argmax = i32Data(getBackend('cpu').argmax(logits));
          expect(positions.map((p) => argmax[p])).toEqual(positions.map((p) => c.argmax[p]));
          norms.forEach((layerNorms, j) => {
            for (const p of positions) {
              expect(Math.abs(layerNorms[p]! - c.hidden_state_norms[j]![p]!)).toBeLessThan(
                1e-4 * c.hidden_state_norms[j]![p]!,
              );
            }
          });
        });
      }
    }
  });
}

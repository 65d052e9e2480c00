import { describe, expect, it } from 'vitest';
import { numTransferTokens, timesteps, transferCount } from '../src';
import { type DreamParams, type GenerateFixture, type LladaParams, readFixture } from './fixtures';

describe('schedules match the official code bit for bit', () => {
  it("LLaDA's per-block transfer counts (get_num_transfer_tokens)", () => {
    for (const model of ['llada-tiny-1', 'llada-tiny-2']) {
      for (const c of readFixture<GenerateFixture>(model, 'generate.json').cases) {
        const p = c.params as LladaParams;
        const blocks = p.gen_length / p.block_length;
        const perBlock = Array.from({ length: blocks }, () =>
          numTransferTokens(p.block_length, p.steps / blocks),
        );
        expect(perBlock, c.name).toEqual(c.num_transfer_tokens);
      }
    }
    expect(numTransferTokens(10, 3)).toEqual([4, 3, 3]);
    expect(numTransferTokens(2, 4)).toEqual([1, 1, 0, 0]);
  });

  it("Dream's float32 timesteps and transfer counts", () => {
    for (const c of readFixture<GenerateFixture>('dream-tiny-1', 'generate.json').cases) {
      const p = c.params as DreamParams;
      const ts = timesteps(p.steps, p.eps);
      let masked = p.max_new_tokens;
      for (const step of c.steps) {
        const t = ts[step.step]!;
        const s = ts[step.step + 1]!;
        expect([t, s], `${c.name} step ${step.step}`).toEqual([Math.fround(step.t!), Math.fround(step.s!)]);
        if (step.num_transfer_float !== null) {
          const { count, exact } = transferCount(masked, t, s);
          expect(exact).toBe(Math.fround(step.num_transfer_float!));
          expect(count).toBe(step.num_transfer);
        }
        masked -= step.num_transfer;
      }
    }
  });
});

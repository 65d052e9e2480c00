import { describe, expect, it } from 'vitest';
import { dlcmFlopsPerToken, tinyDlcmConfig, tinyTokenOnlyConfig } from '../src';

// tinyDlcmConfig: vocab 40, d_token 16; encoder 1 layer (H 4, G 2, e 4, FFN 32); decoder 1 layer
// (H 2, G 1, e 8, FFN 32); d_concept 24, backbone 2 layers (H 4, G 2, e 6, FFN 48); cross-attention
// H 4, G 2, e 4; learned detector. At 15 tokens and 4 tokens per concept: c_tok = 8, C = 3.75,
// c_con = 2.375.
const encoderBlock =
  2 * 16 * 4 * 4 + 2 * 2 * 16 * 2 * 4 + 2 * 4 * 4 * 16 + 3 * 2 * 16 * 32 + 2 * 2 * 4 * 4 * 8; // 5120
const decoderBlock =
  2 * 16 * 2 * 8 + 2 * 2 * 16 * 1 * 8 + 2 * 2 * 8 * 16 + 3 * 2 * 16 * 32 + 2 * 2 * 2 * 8 * 8; // 5120
const head = 2 * 16 * 40; // 1280

describe('dlcmFlopsPerToken', () => {
  it('gives the hand-computed counts of the tiny DLCM', () => {
    const detector = 2 * 2 * 16 * 16; // 1024
    const cross = 2 * 16 * 4 * 4 + 2 * 4 * 4 * 16 + 2 * 2 * 4 * 4 * (2.375 + 1); // 1240
    const backboneBlock =
      2 * 24 * 4 * 6 + 2 * 2 * 24 * 2 * 6 + 2 * 4 * 6 * 24 + 3 * 2 * 24 * 48 + 2 * 2 * 4 * 6 * 2.375; // 10596
    const upProjection = 2 * 16 * 24; // 768
    const crossKv = 2 * 2 * 24 * 2 * 4; // 768
    const flops = dlcmFlopsPerToken(tinyDlcmConfig(), { tokensPerConcept: 4, sequenceLength: 15 });
    expect(flops.tokenLevel).toBe(encoderBlock + decoderBlock + detector + cross);
    expect(flops.tokenLevel).toBe(12504);
    expect(flops.conceptLevel).toBeCloseTo((upProjection + 2 * backboneBlock + crossKv) / 4, 9);
    expect(flops.conceptLevel).toBeCloseTo(5682, 9);
    expect(flops.lmHead).toBe(head);
    expect(flops.total).toBeCloseTo(12504 + 5682 + 1280, 9);
  });

  it('the rule detector costs nothing', () => {
    const options = { tokensPerConcept: 4, sequenceLength: 15 };
    const learned = dlcmFlopsPerToken(tinyDlcmConfig(), options);
    const rule = dlcmFlopsPerToken(
      tinyDlcmConfig({ conceptPath: { boundary: { kind: 'rule', tau: 0.3 } } }),
      options,
    );
    expect(learned.tokenLevel - rule.tokenLevel).toBe(2 * 2 * 16 * 16);
  });

  it('a token-only model is the sum of its blocks and head, whatever the tokens per concept', () => {
    for (const tokensPerConcept of [Number.NaN, 1, 4]) {
      const flops = dlcmFlopsPerToken(tinyTokenOnlyConfig(), { tokensPerConcept, sequenceLength: 15 });
      expect(flops).toEqual({
        total: encoderBlock + decoderBlock + head,
        tokenLevel: encoderBlock + decoderBlock,
        conceptLevel: 0,
        lmHead: head,
      });
    }
  });

  it('doubling the tokens per concept halves the concept level at the same concept context', () => {
    const config = tinyDlcmConfig();
    const at = (tokensPerConcept: number, sequenceLength: number) =>
      dlcmFlopsPerToken(config, { tokensPerConcept, sequenceLength }).conceptLevel;
    // Twice the tokens per concept over twice the tokens: as many concepts, half as often.
    expect(at(8, 64) / at(4, 32)).toBeCloseTo(0.5, 12);
    // At the same length the backbone also attends over fewer concepts: a little under half.
    const ratio = at(8, 32) / at(4, 32);
    expect(ratio).toBeLessThan(0.5);
    expect(ratio).toBeGreaterThan(0.45);
  });

  it('refuses a non-positive length or tokens per concept', () => {
    expect(() => dlcmFlopsPerToken(tinyDlcmConfig(), { tokensPerConcept: 0, sequenceLength: 8 })).toThrow(
      /tokensPerConcept must be a positive number, got 0/,
    );
    expect(() =>
      dlcmFlopsPerToken(tinyTokenOnlyConfig(), { tokensPerConcept: 1, sequenceLength: 0 }),
    ).toThrow(/sequenceLength must be a positive number, got 0/);
  });
});

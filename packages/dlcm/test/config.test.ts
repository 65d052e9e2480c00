import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelConfigError } from '@unmask/transformer';
import { describe, expect, it } from 'vitest';
import { DlcmConfigError, dlcmConfigJson, parseDlcmConfig, readDlcmConfig } from '../src';
import { tinyConfig } from './tiny';

const valid = (): Record<string, unknown> => dlcmConfigJson(tinyConfig());

function parseWith(change: (raw: Record<string, unknown>) => void): () => unknown {
  const raw = valid();
  change(raw);
  return () => parseDlcmConfig(raw, 'config.json');
}

describe('DLCM config.json', () => {
  it('round-trips through dlcmConfigJson', () => {
    for (const boundary of [{ kind: 'learned' } as const, { kind: 'rule', tau: 0.3 } as const]) {
      const config = tinyConfig({ conceptPath: { boundary }, tiedEmbeddings: true, eosTokenId: undefined });
      expect(parseDlcmConfig(dlcmConfigJson(config), 'x')).toEqual(config);
    }
  });

  it('fills defaults: KV heads = heads, head dim = width / heads, rope theta, eps, untied head', () => {
    const raw = valid();
    raw['encoder'] = { num_layers: 2, num_heads: 4, intermediate_size: 8 };
    for (const field of ['rope_theta', 'rms_norm_eps', 'tie_word_embeddings', 'eos_token_id'])
      delete raw[field];
    const config = parseDlcmConfig(raw, 'x');
    expect(config.encoder).toEqual({
      numLayers: 2,
      numHeads: 4,
      numKvHeads: 4,
      headDim: 4,
      intermediateSize: 8,
    });
    expect([config.ropeTheta, config.normEps, config.tiedEmbeddings, config.eosTokenId]).toEqual([
      10000,
      1e-6,
      false,
      undefined,
    ]);
  });

  const malformed: [string, (raw: Record<string, unknown>) => void, RegExp][] = [
    ['a missing width', (r) => delete r['d_token'], /'d_token' must be a positive integer, got nothing/],
    [
      'another model type',
      (r) => (r['model_type'] = 'llada'),
      /'model_type' must be one of "dlcm", got "llada"/,
    ],
    ['a missing stage', (r) => delete r['backbone'], /'backbone' must be an object, got nothing/],
    [
      'heads that do not split the width',
      (r) => (r['encoder'] = { num_layers: 1, num_heads: 3, intermediate_size: 8 }),
      /'encoder\.num_heads' must be a divisor of d_token 16 \(or give head_dim\), got 3/,
    ],
    [
      'KV heads that do not group the heads',
      (r) => ((r['backbone'] as Record<string, unknown>)['num_kv_heads'] = 3),
      /'backbone\.num_kv_heads' must be a divisor of num_heads 4, got 3/,
    ],
    [
      'an odd head dim',
      (r) => ((r['cross_attention'] as Record<string, unknown>)['head_dim'] = 5),
      /'cross_attention\.head_dim' must be even \(RoPE rotates pairs\), got 5/,
    ],
    [
      'a fractional layer count',
      (r) => ((r['decoder'] as Record<string, unknown>)['num_layers'] = 1.5),
      /'decoder\.num_layers' must be a positive integer, got 1\.5/,
    ],
    [
      'an unknown detector',
      (r) => (r['boundary'] = { kind: 'oracle' }),
      /'boundary\.kind' must be one of "learned", "rule", got "oracle"/,
    ],
    [
      'a rule without tau',
      (r) => (r['boundary'] = { kind: 'rule' }),
      /'boundary\.tau' must be a number in \[0, 1\), got nothing/,
    ],
    ['tau out of range', (r) => (r['boundary'] = { kind: 'rule', tau: 1.5 }), /'boundary\.tau' .* got 1\.5/],
    ['R = 1', (r) => (r['compression_ratio'] = 1), /'compression_ratio' must be a number above 1, got 1/],
    [
      'an id outside the vocabulary',
      (r) => (r['eos_token_id'] = 40),
      /'eos_token_id' must be a token id in \[0, 40\), got 40/,
    ],
    [
      'a string where a number goes',
      (r) => (r['vocab_size'] = '40'),
      /'vocab_size' must be a positive integer, got "40"/,
    ],
  ];
  for (const [what, change, message] of malformed) {
    it(`refuses ${what}, naming the field and the value`, () => {
      const parse = parseWith(change);
      expect(parse).toThrow(DlcmConfigError);
      expect(parse).toThrow(message);
    });
  }

  it('refuses a non-object and unreadable JSON as ModelConfigErrors naming the file', () => {
    expect(() => parseDlcmConfig([1, 2], 'c.json')).toThrow(/c\.json: a DLCM config must be a JSON object/);
    const dir = mkdtempSync(join(tmpdir(), 'dlcm-config-'));
    writeFileSync(join(dir, 'config.json'), '{ "model_type": "dlcm", ');
    expect(() => readDlcmConfig(dir)).toThrow(ModelConfigError);
    expect(() => readDlcmConfig(dir)).toThrow(/config\.json: cannot read config\.json/);
  });
});

import fs from 'node:fs';
import { join } from 'node:path';
import { f32Data } from '@unmask/tensor';
import { describe, expect, it } from 'vitest';
import { openCheckpoint, openSafetensors } from '../src/index';
import { FIXTURES_DIR } from './support/shared-data';

type Shapes = Record<string, number[]>;

/** Tensor names and shapes as the fixtures README lists them, derived from each config.json. */
function lladaShapes(c: Record<string, number>): Shapes {
  const d = c.d_model!;
  const kv = (c.n_kv_heads! * d) / c.n_heads!;
  const shapes: Shapes = {
    'model.transformer.wte.weight': [c.vocab_size!, d],
    'model.transformer.ln_f.weight': [d],
    'model.transformer.ff_out.weight': [c.vocab_size!, d],
  };
  for (let i = 0; i < c.n_layers!; i++) {
    const p = `model.transformer.blocks.${i}`;
    Object.assign(shapes, {
      [`${p}.attn_norm.weight`]: [d],
      [`${p}.ff_norm.weight`]: [d],
      [`${p}.q_proj.weight`]: [d, d],
      [`${p}.k_proj.weight`]: [kv, d],
      [`${p}.v_proj.weight`]: [kv, d],
      [`${p}.attn_out.weight`]: [d, d],
      [`${p}.ff_proj.weight`]: [c.mlp_hidden_size!, d],
      [`${p}.up_proj.weight`]: [c.mlp_hidden_size!, d],
      [`${p}.ff_out.weight`]: [d, c.mlp_hidden_size!],
    });
  }
  return shapes;
}

function dreamShapes(c: Record<string, number>): Shapes {
  const d = c.hidden_size!;
  const kv = (c.num_key_value_heads! * d) / c.num_attention_heads!;
  const m = c.intermediate_size!;
  const shapes: Shapes = {
    'model.embed_tokens.weight': [c.vocab_size!, d],
    'model.norm.weight': [d],
    'lm_head.weight': [c.vocab_size!, d],
  };
  for (let i = 0; i < c.num_hidden_layers!; i++) {
    const p = `model.layers.${i}`;
    Object.assign(shapes, {
      [`${p}.input_layernorm.weight`]: [d],
      [`${p}.post_attention_layernorm.weight`]: [d],
      [`${p}.self_attn.q_proj.weight`]: [d, d],
      [`${p}.self_attn.q_proj.bias`]: [d],
      [`${p}.self_attn.k_proj.weight`]: [kv, d],
      [`${p}.self_attn.k_proj.bias`]: [kv],
      [`${p}.self_attn.v_proj.weight`]: [kv, d],
      [`${p}.self_attn.v_proj.bias`]: [kv],
      [`${p}.self_attn.o_proj.weight`]: [d, d],
      [`${p}.mlp.gate_proj.weight`]: [m, d],
      [`${p}.mlp.up_proj.weight`]: [m, d],
      [`${p}.mlp.down_proj.weight`]: [d, m],
    });
  }
  return shapes;
}

const fixtures = [
  { name: 'llada-tiny-1', shapes: lladaShapes, head: 'model.transformer.ff_out.weight', norm: /_norm|ln_f/ },
  { name: 'llada-tiny-2', shapes: lladaShapes, head: 'model.transformer.ff_out.weight', norm: /_norm|ln_f/ },
  { name: 'dream-tiny-1', shapes: dreamShapes, head: 'lm_head.weight', norm: /layernorm|model\.norm/ },
];

describe('the vendored reference fixtures', () => {
  for (const fixture of fixtures) {
    it(`${fixture.name}: every tensor named and shaped as in the official checkpoint, data as documented`, () => {
      const dir = join(FIXTURES_DIR, fixture.name);
      const config = JSON.parse(fs.readFileSync(join(dir, 'config.json'), 'utf8'));
      const file = openSafetensors(join(dir, 'model.safetensors'));
      expect(file.metadata).toEqual({ format: 'pt' });
      const expected = fixture.shapes(config);
      expect([...file.tensors.keys()].sort()).toEqual(Object.keys(expected).sort());
      let dataBytes = 0;
      for (const [name, info] of file.tensors) {
        expect(info.dtype).toBe('F32');
        expect(info.shape, name).toEqual(expected[name]);
        dataBytes += info.byteLength;
        const values = f32Data(file.readF32(name));
        expect(Buffer.from(values.buffer).equals(Buffer.from(file.readRaw(name)))).toBe(true);
        if (fixture.norm.test(name)) {
          for (const v of values) expect(v >= 0.7 && v <= 1.3, `${name} value ${v}`).toBe(true);
        }
      }
      // Every byte after the header belongs to exactly one tensor.
      const raw = fs.readFileSync(join(dir, 'model.safetensors'));
      expect(dataBytes).toBe(raw.length - 8 - Number(raw.readBigUInt64LE(0)));
      // The README: the LM-head row of the mask token is zero.
      const head = f32Data(file.readF32(fixture.head));
      const width = expected[fixture.head]![1]!;
      const maskRow = head.subarray(config.mask_token_id * width, (config.mask_token_id + 1) * width);
      expect(maskRow.every((v) => v === 0)).toBe(true);
      file.close();
    });
  }

  it('openCheckpoint reads a fixture folder (single model.safetensors)', () => {
    const checkpoint = openCheckpoint(join(FIXTURES_DIR, 'llada-tiny-1'));
    expect(checkpoint.files).toEqual([join(FIXTURES_DIR, 'llada-tiny-1', 'model.safetensors')]);
    expect(checkpoint.readF32('model.transformer.wte.weight').dims).toEqual([320, 64]);
    checkpoint.close();
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TensorToWrite, writeSafetensors } from '@unmask/hub';
import type { Backend } from '@unmask/tensor';
import { type DiffusionLM, loadModel } from '@unmask/transformer';
import { seededRandom } from './random';

/** The shape of a synthetic LLaDA checkpoint (LLaDA-8B: width 4096, 32 layers, 32 heads, FFN 12288). */
export interface LladaShape {
  width: number;
  layers: number;
  heads: number;
  ffn: number;
  vocab: number;
}

/** config.json of a LLaDA-8B-style model (the official field names) with the given shape. */
function lladaConfig(shape: LladaShape): Record<string, unknown> {
  return {
    architectures: ['LLaDAModelLM'],
    model_type: 'llada',
    d_model: shape.width,
    n_layers: shape.layers,
    n_heads: shape.heads,
    n_kv_heads: shape.heads,
    mlp_hidden_size: shape.ffn,
    vocab_size: shape.vocab,
    embedding_size: shape.vocab,
    max_sequence_length: 4096,
    rope_theta: 500000,
    rms_norm_eps: 1e-5,
    weight_tying: false,
    block_type: 'llama',
    activation_type: 'silu',
    layer_norm_type: 'rms',
    mask_token_id: shape.vocab - 1,
    eos_token_id: shape.vocab - 2,
  };
}

/**
 * Writes a LLaDA checkpoint with random weights (bf16, as the official release) under the
 * official tensor names into a temporary folder, loads it with `loadModel` (the real loader path:
 * config parsing, name mapping, shape checks, bf16 -> f32) and removes the folder.
 */
export function syntheticLlada(shape: LladaShape, backend: Backend, seed = 1): DiffusionLM {
  const random = seededRandom(seed);
  const { width, ffn, vocab } = shape;
  const uniform = (dims: number[], scale: number): TensorToWrite => {
    const data = new Float32Array(dims.reduce((n, d) => n * d, 1));
    for (let i = 0; i < data.length; i++) data[i] = (random() * 2 - 1) * scale;
    return { dtype: 'BF16', shape: dims, data };
  };
  const norm = (): TensorToWrite => ({
    dtype: 'BF16',
    shape: [width],
    data: new Float32Array(width).fill(1),
  });
  // Scaled like a trained model's weights, so activations stay finite through the stack.
  const proj = (out: number, inp: number) => uniform([out, inp], 1 / Math.sqrt(inp));
  const tensors = new Map<string, TensorToWrite>();
  const prefix = 'model.transformer';
  tensors.set(`${prefix}.wte.weight`, uniform([vocab, width], 1));
  for (let i = 0; i < shape.layers; i++) {
    const b = `${prefix}.blocks.${i}`;
    tensors.set(`${b}.attn_norm.weight`, norm());
    tensors.set(`${b}.q_proj.weight`, proj(width, width));
    tensors.set(`${b}.k_proj.weight`, proj(width, width));
    tensors.set(`${b}.v_proj.weight`, proj(width, width));
    tensors.set(`${b}.attn_out.weight`, proj(width, width));
    tensors.set(`${b}.ff_norm.weight`, norm());
    tensors.set(`${b}.ff_proj.weight`, proj(ffn, width));
    tensors.set(`${b}.up_proj.weight`, proj(ffn, width));
    tensors.set(`${b}.ff_out.weight`, proj(width, ffn));
  }
  tensors.set(`${prefix}.ln_f.weight`, norm());
  tensors.set(`${prefix}.ff_out.weight`, proj(vocab, width));

  const dir = mkdtempSync(join(tmpdir(), 'unmask-bench-llada-'));
  try {
    writeFileSync(join(dir, 'config.json'), JSON.stringify(lladaConfig(shape), null, 2));
    writeSafetensors(join(dir, 'model.safetensors'), tensors, { format: 'pt' });
    tensors.clear();
    return loadModel(dir, { backend });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

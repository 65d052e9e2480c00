import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { type TensorToWrite, writeSafetensors } from '../../src/index';

/** The bytes writeSafetensors produces for these tensors, for serving or caching as a repository file. */
export function safetensorsBytes(tensors: Readonly<Record<string, TensorToWrite>>): Uint8Array {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'unmask-hub-bytes-'));
  try {
    writeSafetensors(join(dir, 'm.safetensors'), tensors, { format: 'pt' });
    return fs.readFileSync(join(dir, 'm.safetensors'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A small model repository: config, generation config, a tokenizer and single-file weights of `floats` values. */
export function tinyModelFiles(floats = 1024): Record<string, Uint8Array> {
  const weight = Float32Array.from({ length: floats }, (_, i) => Math.sin(i));
  return {
    'config.json': utf8(JSON.stringify({ model_type: 'llada', d_model: 8 })),
    'generation_config.json': utf8('{"eos_token_id": 1}'),
    'tokenizer.json': utf8('{"model": {"type": "BPE"}}'),
    'tokenizer_config.json': utf8('{"chat_template": ""}'),
    'model.safetensors': safetensorsBytes({ 'w.weight': { dtype: 'F32', shape: [floats], data: weight } }),
  };
}

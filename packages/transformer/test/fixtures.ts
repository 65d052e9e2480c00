import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The vendored reference fixtures (official PyTorch outputs on tiny checkpoints). */
export const FIXTURES_DIR = fileURLToPath(new URL('../../../test-data/fixtures/', import.meta.url));

export const FIXTURE_MODELS = ['llada-tiny-1', 'llada-tiny-2', 'dream-tiny-1'] as const;

export function fixtureDir(model: string): string {
  return `${FIXTURES_DIR}${model}`;
}

export function readFixtureJson<T>(model: string, file: string): T {
  return JSON.parse(readFileSync(`${fixtureDir(model)}/${file}`, 'utf8')) as T;
}

/** base64 little-endian float32 -> Float32Array. */
export function decodeF32(b64: string): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

export interface ForwardCase {
  name: string;
  input_ids: number[];
  seq_len: number;
  attention_mask?: number[];
  position_ids?: number[];
  valid_positions?: number[];
  logits_shape: [number, number];
  logits_b64: string;
  argmax: number[];
  hidden_state_norms: number[][];
}

export interface ForwardFixture {
  family: string;
  cases: ForwardCase[];
}

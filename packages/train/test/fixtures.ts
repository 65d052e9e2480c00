import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { llada, type ModelConfig } from '@unmask/transformer';
import { afterAll } from 'vitest';
import { type LladaArchitecture, lladaConfigJson } from '../src';

/** The vendored official tiny LLaDA checkpoint. */
export const LLADA_TINY = fileURLToPath(new URL('../../../test-data/fixtures/llada-tiny-1', import.meta.url));

/** A fresh temporary folder, removed after the test file. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `unmask-train-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function tinyConfig(overrides: Partial<LladaArchitecture> = {}): ModelConfig {
  const arch: LladaArchitecture = {
    hiddenSize: 16,
    numLayers: 2,
    numHeads: 4,
    numKvHeads: 2,
    intermediateSize: 24,
    vocabSize: 13,
    ropeTheta: 10000,
    normEps: 1e-5,
    maxPositions: 64,
    maskTokenId: 12,
    eosTokenId: 11,
    ...overrides,
  };
  return llada.parseConfig(lladaConfigJson(arch), 'test');
}

/** A repetitive toy corpus: a few sentences over and over, with a varying number. */
export function toyCorpus(lines: number): string {
  const sentences = [
    'the cat sat on the mat.',
    'a dog ran to the park and back.',
    'she sells sea shells by the sea shore.',
    'to be, or not to be: that is the question.',
  ];
  return Array.from({ length: lines }, (_, i) => `${sentences[i % sentences.length]} (${i % 7})\n`).join('');
}

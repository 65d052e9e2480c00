import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Tokenizer } from '@unmask/tokenizer';
import { DEFAULT_TRAIN_CONFIG, splitCorpus, TokenWindows } from '@unmask/train';
import { UsageError } from '../command';
import { AnalysisError } from './errors';

/** The corpus the shipped model was trained on, next to the repository. */
export const DEFAULT_CORPUS = fileURLToPath(
  new URL('../../../../../shared/data/tinyshakespeare.txt', import.meta.url),
);

/** A prompt to generate from, and (for corpus prompts) the text that really follows it. */
export interface AnalysisPrompt {
  ids: number[];
  reference?: number[];
}

/**
 * `count` windows of promptLength + genLength tokens, evenly spaced over the held-out tail of the
 * corpus (the trainer's split: `splitCorpus` with its default held-out fraction, encoded the way the
 * trainer encodes it): the first promptLength tokens are the prompt, the rest the reference.
 */
export function validationPrompts(
  dataFile: string,
  tokenizer: Tokenizer,
  count: number,
  promptLength: number,
  genLength: number,
): AnalysisPrompt[] {
  let text: string;
  try {
    text = readFileSync(dataFile, 'utf8');
  } catch (error) {
    throw new AnalysisError(`cannot read the corpus ${dataFile}: ${(error as Error).message}`);
  }
  const { validation } = splitCorpus(text, DEFAULT_TRAIN_CONFIG.heldOutFraction);
  const tokens = Int32Array.from(tokenizer.encode(validation, { addSpecialTokens: false }));
  const length = promptLength + genLength;
  if (tokens.length < length * count) {
    throw new AnalysisError(
      `the held-out text of ${dataFile} has ${tokens.length} tokens, too few for ${count} windows of ${length}`,
    );
  }
  const windows = new TokenWindows(tokens, length).evenlySpaced(count);
  return Array.from({ length: count }, (_, i) => {
    const window = Array.from(windows.subarray(i * length, (i + 1) * length));
    return { ids: window.slice(0, promptLength), reference: window.slice(promptLength) };
  });
}

/** Prompts given as ids: "1,2,3;4,5,6" is two prompts. */
export function parsePromptIds(text: string): AnalysisPrompt[] {
  return text.split(';').map((part) => {
    const ids = part.split(',').map((id) => Number(id.trim()));
    if (ids.length === 0 || ids.some((id) => !Number.isInteger(id) || id < 0)) {
      throw new UsageError(`--prompt-ids: '${part}' is not a comma-separated list of token ids`);
    }
    return { ids };
  });
}

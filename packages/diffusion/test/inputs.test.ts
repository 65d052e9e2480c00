import { getBackend } from '@unmask/tensor';
import { loadModel } from '@unmask/transformer';
import { describe, expect, it } from 'vitest';
import { type GenerateOptions, GenerationInputError, generate } from '../src';
import { fixtureDir } from './fixtures';

const llada = loadModel(fixtureDir('llada-tiny-1'), { backend: getBackend('cpu') });
const dream = loadModel(fixtureDir('dream-tiny-1'), { backend: getBackend('cpu') });
const prompt = [235, 82, 206, 179];

function refusal(model: typeof llada, ids: number[], options: GenerateOptions): GenerationInputError {
  try {
    generate(model, ids, options);
  } catch (error) {
    expect(error).toBeInstanceOf(GenerationInputError);
    return error as GenerationInputError;
  }
  throw new Error('generation was not refused');
}

describe('input checks name the option and the value', () => {
  it.each([
    [
      'genLength',
      { genLength: 20, blockLength: 8, steps: 4 },
      /genLength = 20: must be a multiple of blockLength 8/,
    ],
    [
      'steps',
      { genLength: 16, blockLength: 8, steps: 5 },
      /steps = 5: must be a multiple of the number of blocks 2/,
    ],
    [
      'genLength',
      { genLength: 2045, steps: 5 },
      /prompt \(4\) \+ genLength = 2049 exceeds the model's 2048 positions/,
    ],
    ['genLength', { genLength: 0, steps: 4 }, /genLength = 0: must be a positive integer/],
    ['steps', { genLength: 8 }, /steps = undefined: must be a positive integer/],
    [
      'remasking',
      { genLength: 8, steps: 4, remasking: 'lowest' as 'random' },
      /must be 'low_confidence' or 'random'/,
    ],
    ['cfgScale', { genLength: 8, steps: 4, cfgScale: -1 }, /cfgScale = -1/],
    ['temperature', { genLength: 8, steps: 4, temperature: -0.5 }, /temperature = -0.5/],
    ['threshold', { genLength: 8, threshold: 0 }, /threshold = 0: must lie in \(0, 1\]/],
    ['seed', { genLength: 8, steps: 4, seed: 1.5 }, /seed = 1.5: must be a non-negative integer/],
    [
      'alg',
      { genLength: 8, steps: 4, alg: 'entropy' as const },
      /alg = "entropy": is not an option of the LLaDA sampler/,
    ],
  ] as const)('LLaDA refuses a bad %s', (option, options, message) => {
    const error = refusal(llada, prompt, options);
    expect(error.option).toBe(option);
    expect(error.message).toMatch(message);
  });

  it('refuses an empty prompt, a mask token in the prompt and ids outside the vocabulary, for every policy', () => {
    for (const policy of ['none', 'dllm-cache', 'prefix', 'dual']) {
      expect(refusal(llada, [], { genLength: 8, steps: 8, policy }).message).toMatch(
        /prompt = \[\]: must hold at least one token/,
      );
      expect(refusal(llada, [1, 310, 2], { genLength: 8, steps: 8, policy }).message).toMatch(
        /prompt = \[1, 310, 2\]: holds the mask token 310 at position 1; prompts may not contain it/,
      );
      expect(refusal(dream, [1, 310], { genLength: 8, steps: 8, policy }).message).toMatch(
        /holds the mask token 310 at position 1/,
      );
    }
    expect(refusal(llada, [1, 320], { genLength: 8, steps: 8 }).message).toMatch(
      /id 320 at position 1 is not a token id below 320/,
    );
  });

  it('Dream refuses LLaDA options and unknown algorithms', () => {
    expect(refusal(dream, prompt, { genLength: 8, steps: 4, blockLength: 4 }).option).toBe('blockLength');
    expect(refusal(dream, prompt, { genLength: 8, steps: 4, alg: 'greedy' as 'entropy' }).message).toMatch(
      /alg = "greedy": must be one of origin/,
    );
    expect(refusal(dream, prompt, { genLength: 8, steps: 4, topP: 0 }).option).toBe('topP');
    expect(refusal(dream, prompt, { genLength: 8, threshold: 0.9, alg: 'origin' }).option).toBe('threshold');
  });

  it('an unknown policy name is refused by the cache package', () => {
    expect(() => generate(llada, prompt, { genLength: 8, steps: 4, policy: 'lru' })).toThrow(
      /unknown cache policy 'lru'/,
    );
  });
});

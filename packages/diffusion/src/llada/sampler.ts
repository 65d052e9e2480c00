import type { DiffusionLM } from '@unmask/transformer';
import { commit, initialCanvas, maskedPositions } from '../canvas';
import { GenerationInputError } from '../errors';
import type { GenerationResult, StepEvent } from '../events';
import { predict } from '../guidance';
import type { SamplerOptions } from '../options';
import { type BasePlan, basePlan } from '../plan';
import { argmax, gumbelArgmax, probability, rowAt } from '../row-math';
import { aboveThreshold, type Candidate, mostConfident } from '../select';
import { numberIn, positiveInt } from '../validate';
import { numTransferTokens } from './schedule';

export interface LladaOptions extends SamplerOptions {
  /** Semi-autoregressive block length; genLength must be a multiple. Default genLength (one block). */
  blockLength?: number;
  /** How committed positions are chosen: the most confident, or at random. Default 'low_confidence'. */
  remasking?: 'low_confidence' | 'random';
  /** Classifier-free guidance scale; default 0 (off). */
  cfgScale?: number;
  /** Upstream `logits_eos_inf`: the EOS logit is -inf, so EOS is never written. Default false. */
  forbidEos?: boolean;
  /**
   * Upstream `confidence_eos_eot_inf` (at temperature 0): EOS and EOT are left out of the softmax
   * that gives the confidence, so a position predicting them is committed last. Default false.
   */
  deferEosEot?: boolean;
  /** EOS id for the two options above; default the model config's. */
  eosTokenId?: number;
  /** EOT id for `deferEosEot` (LLaDA-8B-Instruct: 126348, `<|eot_id|>`); none by default. */
  eotTokenId?: number;
}

const DREAM_ONLY = ['alg', 'algTemp', 'topP', 'topK', 'eps'] as const;

interface LladaPlan extends BasePlan {
  blockLength: number;
  numBlocks: number;
  /** Steps per block; undefined with a threshold. */
  stepsPerBlock: number | undefined;
  temperature: number;
  remasking: 'low_confidence' | 'random';
  cfgScale: number;
  /** Ids whose logit is -inf before sampling. */
  forbidden: Set<number>;
  /** Ids left out of the softmax that gives the confidence (the forbidden ones too). */
  deferred: Set<number>;
}

function plan(model: DiffusionLM, prompt: ArrayLike<number>, options: LladaOptions): LladaPlan {
  const base = basePlan(model, prompt, options, DREAM_ONLY, 'LLaDA');
  const { genLength } = base;
  const blockLength = positiveInt('blockLength', options.blockLength ?? genLength);
  if (genLength % blockLength !== 0) {
    throw new GenerationInputError(
      'genLength',
      genLength,
      `must be a multiple of blockLength ${blockLength}`,
    );
  }
  const numBlocks = genLength / blockLength;
  let stepsPerBlock: number | undefined;
  if (options.threshold === undefined) {
    const steps = positiveInt('steps', options.steps);
    if (steps % numBlocks !== 0) {
      throw new GenerationInputError(
        'steps',
        steps,
        `must be a multiple of the number of blocks ${numBlocks} (genLength / blockLength)`,
      );
    }
    stepsPerBlock = steps / numBlocks;
  }
  const remasking = options.remasking ?? 'low_confidence';
  if (remasking !== 'low_confidence' && remasking !== 'random') {
    throw new GenerationInputError('remasking', remasking, "must be 'low_confidence' or 'random'");
  }
  const eos = options.eosTokenId ?? model.config.eosTokenId;
  const forbidden = new Set<number>();
  const deferred = new Set<number>();
  if (options.forbidEos || options.deferEosEot) {
    if (eos === undefined)
      throw new GenerationInputError('eosTokenId', eos, 'the model config names no EOS; pass eosTokenId');
    (options.forbidEos ? forbidden : deferred).add(eos);
  }
  if (options.deferEosEot && options.eotTokenId !== undefined) deferred.add(options.eotTokenId);
  return {
    ...base,
    blockLength,
    numBlocks,
    stepsPerBlock,
    temperature: options.temperature ?? 0,
    remasking,
    cfgScale: numberIn('cfgScale', options.cfgScale ?? 0, 0, Number.MAX_VALUE),
    forbidden,
    deferred: new Set([...deferred, ...forbidden]),
  };
}

/**
 * LLaDA's sampler (`generate.py`): the response starts as genLength mask tokens and is denoised
 * block by block, left to right; each step predicts the current block and commits its scheduled
 * number of tokens (or, with `threshold`, every token confident enough, until the block is full).
 * Yields one event per step and returns the result.
 */
export function* sampleLlada(
  model: DiffusionLM,
  prompt: ArrayLike<number>,
  options: LladaOptions,
): Generator<StepEvent, GenerationResult> {
  const p = plan(model, prompt, options);
  const promptLength = prompt.length;
  const canvas = initialCanvas(prompt, p.genLength, p.maskId);
  p.policy.reset({ promptLength, totalLength: canvas.length });
  let step = 0;
  for (let block = 0; block < p.numBlocks; block++) {
    const blockStart = promptLength + block * p.blockLength;
    const blockEnd = blockStart + p.blockLength;
    const masked = () => maskedPositions(canvas, blockStart, blockEnd, p.maskId);
    const schedule =
      p.stepsPerBlock === undefined ? undefined : numTransferTokens(masked().length, p.stepsPerBlock);
    for (let i = 0; schedule ? i < schedule.length : masked().length > 0; i++, step++) {
      const logits = predict({
        model,
        policy: p.policy,
        canvas,
        promptLength,
        maskId: p.maskId,
        cfgScale: p.cfgScale,
        step: { step, blockStart, blockEnd },
        positions: { start: blockStart, end: blockEnd },
      });
      const candidates = masked().map((position) => candidate(p, logits, position, position - blockStart));
      const chosen = schedule
        ? mostConfident(candidates, schedule[i]!)
        : aboveThreshold(candidates, p.threshold!);
      yield commit(canvas, chosen, step, block, p.policy);
    }
  }
  return { sequence: canvas, response: canvas.slice(promptLength), steps: step, flops: p.policy.flops.total };
}

function candidate(p: LladaPlan, logits: Float32Array, position: number, row: number): Candidate {
  const logitsRow = rowAt(logits, row, p.model.logitsWidth);
  const token =
    p.temperature > 0
      ? gumbelArgmax(logitsRow, p.temperature, p.random, p.forbidden)
      : argmax(logitsRow, p.forbidden);
  const confidence =
    p.remasking === 'random' ? p.random.float32() : probability(logitsRow, token, p.deferred);
  return { position, token, confidence };
}

import { type Backend, i32 } from '@unmask/tensor';
import { ops, type Rng, Tape } from '@unmask/train';
import { GlobalParserAccumulator, type GlobalParserResult } from '../global-parser-loss';
import { sampleBoundaries } from '../sharpen';
import type { DlcmTrainModel } from './model';
import { nextTokenTargets } from './next-token';

export interface DlcmObjectiveOptions {
  /** Tokens per sequence. */
  seqLen: number;
  /** lambda: the total loss is L_CE + lambda * L_aux. */
  auxWeight: number;
  /** T of the sharpened Bernoulli that boundaries are sampled from (`sharpenProbability`). */
  temperature: number;
  /** H-Net's straight-through confidence weighting (the CE's gradient path to the detector). */
  straightThrough: boolean;
  /** Draws the boundaries; advances by one draw per token. */
  boundaryRng: Rng;
}

export interface DlcmGradientResult {
  /** L_CE + lambda * L_aux of the optimiser step. */
  loss: number;
  /** L_CE: mean next-token cross-entropy (nats) over the step's predicted tokens. */
  crossEntropy: number;
  /** L_aux with G and F over every micro-batch, and the realised tokens per concept; undefined token-only. */
  aux: GlobalParserResult | undefined;
  predictedTokens: number;
  /** The boundaries sampled for each micro-batch; undefined token-only. */
  starts: Uint8Array[] | undefined;
}

/**
 * Accumulates into the parameters' gradients d(L_CE + lambda L_aux) for one optimiser step made of
 * `microBatches` (ids int32 [b * seqLen] each, any b), in two passes:
 *  1. for each micro-batch, p_t from the encoder and the detector alone (no graph), boundaries
 *     sampled from Bernoulli(sharpen(p_t, T)), and both added to a GlobalParserAccumulator. After the
 *     last one, F (and so dL_aux/dG) is known for the whole step.
 *  2. for each micro-batch, the full forward on a tape with those boundaries and one backward of
 *     its CE (normalised by the whole step's predicted tokens) + lambda * gradientPerProbability *
 *     sum p_t. L_aux is linear in G once F is fixed, so the summed gradient is exactly that of one
 *     big batch, whatever the split. Pass 1 repeats the encoder's forward; it keeps one micro-batch's
 *     activations alive at a time, as plain gradient accumulation does.
 * A token-only model has no boundaries and no L_aux: one pass, the CE's backward per micro-batch
 * (the loss is L_CE, `aux` and `starts` undefined, the boundary RNG untouched).
 * Gradients add to what the parameters hold (zero them first).
 */
export function accumulateDlcmGradients(
  backend: Backend,
  model: DlcmTrainModel,
  microBatches: readonly Int32Array[],
  options: DlcmObjectiveOptions,
): DlcmGradientResult {
  const { seqLen } = options;
  const batches = microBatches.map((ids) => i32([ids.length / seqLen, seqLen], ids));
  const predictedTokens = batches.reduce((n, ids) => n + ids.dims[0]! * (seqLen - 1), 0);
  const path = model.config.conceptPath;
  if (!path) {
    let crossEntropy = 0;
    batches.forEach((ids, i) => {
      const tape = new Tape(backend);
      const targets = nextTokenTargets(microBatches[i]!, ids.dims[0]!, seqLen, predictedTokens);
      const out = model.forward(tape, ids, undefined, { rows: targets.rows });
      const ce = ops.crossEntropy(tape, out.logits, targets.targets, targets.weights);
      tape.backward(ce);
      crossEntropy += (ce.value.data as Float32Array)[0]!;
    });
    return { loss: crossEntropy, crossEntropy, aux: undefined, predictedTokens, starts: undefined };
  }
  const accumulator = new GlobalParserAccumulator(path.compressionRatio);
  const starts = batches.map((ids) => {
    const probabilities = model.probabilities(backend, ids);
    const flags = sampleBoundaries(probabilities, seqLen, options.temperature, () =>
      options.boundaryRng.next(),
    );
    accumulator.add(probabilities, flags);
    return flags;
  });
  const aux = accumulator.result();
  let crossEntropy = 0;
  batches.forEach((ids, i) => {
    const tape = new Tape(backend);
    const batch = ids.dims[0]!;
    const targets = nextTokenTargets(microBatches[i]!, batch, seqLen, predictedTokens);
    const out = model.forward(tape, ids, starts[i]!, {
      rows: targets.rows,
      straightThrough: options.straightThrough,
    });
    const ce = ops.crossEntropy(tape, out.logits, targets.targets, targets.weights);
    const auxTerm = ops.sum(tape, out.probabilities!, options.auxWeight * aux.gradientPerProbability);
    tape.backward(ops.add(tape, ce, auxTerm));
    crossEntropy += (ce.value.data as Float32Array)[0]!;
  });
  return {
    loss: crossEntropy + options.auxWeight * aux.value,
    crossEntropy,
    aux,
    predictedTokens,
    starts,
  };
}

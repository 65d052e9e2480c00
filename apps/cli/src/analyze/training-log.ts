import { readFileSync } from 'node:fs';
import { AnalysisError } from './errors';

export interface TrainingStep {
  step: number;
  loss: number;
  lr: number;
}

/** A masked-diffusion (LLaDA) trainer's validation. */
export interface MaskedValidation {
  step: number;
  /** The training objective on the held-out sequences. */
  loss: number;
  /** Mean cross-entropy of the masked held-out tokens (nats). */
  maskedTokenLoss: number;
  maskedTokens: number;
}

/** A DLCM trainer's validation: next-token cross-entropy under the inference boundary rule. */
export interface NextTokenValidation {
  step: number;
  bitsPerToken: number;
  /** Null for a token-only model. */
  tokensPerConcept: number | null;
}

/** The training loss is either trainer's objective of the step's batch (nats). */
export type TrainingLog =
  | { kind: 'masked-diffusion'; steps: TrainingStep[]; validations: MaskedValidation[] }
  | { kind: 'dlcm'; steps: TrainingStep[]; validations: NextTokenValidation[] };

/**
 * Reads a trainer's `training_log.jsonl`: one JSON object per line, `type` "step" or "validation";
 * lines of other types are skipped. The masked-diffusion trainer's and the DLCM trainer's logs
 * are told apart by their records (`maskedTokenLoss` or `crossEntropy` / `bitsPerToken`). A
 * resumed run appends to the log, so a step seen twice keeps its last record.
 */
export function readTrainingLog(file: string): TrainingLog {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new AnalysisError(`cannot read the training log ${file}: ${(error as Error).message}`);
  }
  const steps = new Map<number, TrainingStep>();
  const masked = new Map<number, MaskedValidation>();
  const nextToken = new Map<number, NextTokenValidation>();
  let dlcmSteps = 0;
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${file}:${index + 1}`;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new AnalysisError(`${where}: not a JSON object`);
    }
    const number = (name: string): number => {
      const value = record[name];
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw new AnalysisError(`${where}: '${name}' must be a finite number, got ${JSON.stringify(value)}`);
      return value;
    };
    if (record['type'] === 'step') {
      steps.set(number('step'), { step: number('step'), loss: number('loss'), lr: number('lr') });
      if ('crossEntropy' in record) dlcmSteps++;
    } else if (record['type'] === 'validation' && 'bitsPerToken' in record) {
      nextToken.set(number('step'), {
        step: number('step'),
        bitsPerToken: number('bitsPerToken'),
        tokensPerConcept: record['tokensPerConcept'] === null ? null : number('tokensPerConcept'),
      });
    } else if (record['type'] === 'validation') {
      masked.set(number('step'), {
        step: number('step'),
        loss: number('loss'),
        maskedTokenLoss: number('maskedTokenLoss'),
        maskedTokens: number('maskedTokens'),
      });
    }
  });
  if (steps.size === 0 && masked.size + nextToken.size === 0)
    throw new AnalysisError(`${file}: no "step" or "validation" records`);
  const dlcm = nextToken.size > 0 || (masked.size === 0 && dlcmSteps > 0);
  if (dlcm && masked.size > 0)
    throw new AnalysisError(`${file}: mixes masked-diffusion and DLCM validation records`);
  const byStep = <T extends { step: number }>(records: Map<number, T>) =>
    [...records.values()].sort((a, b) => a.step - b.step);
  return dlcm
    ? { kind: 'dlcm', steps: byStep(steps), validations: byStep(nextToken) }
    : { kind: 'masked-diffusion', steps: byStep(steps), validations: byStep(masked) };
}

/** Each value replaced by the mean of the last `window` values up to it (fewer at the start). */
export function trailingMean(values: readonly number[], window: number): number[] {
  let sum = 0;
  return values.map((value, i) => {
    sum += value;
    if (i >= window) sum -= values[i - window]!;
    return sum / Math.min(i + 1, window);
  });
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dlcmFlopsPerToken, loadDlcm, parseDlcmConfig } from '@unmask/dlcm';
import { type DlcmTrainEvent, trainDlcm } from '@unmask/dlcm/train';
import type { Backend } from '@unmask/tensor';
import { loadTokenizer } from '@unmask/tokenizer';
import { DEFAULT_RUN_SETTINGS, type RunSettings, splitCorpus } from '@unmask/train';
import { ProgressBar } from '../progress';
import { type ExperimentArm, experimentArms } from './dlcm-arms';
import { type BoundaryPlacement, boundaryPlacement } from './dlcm-boundaries';
import { type GenerationSpeed, measureGenerationSpeed } from './dlcm-speed';

export interface DlcmExperimentSettings {
  data: string;
  /** Each model trains into workDir/<arm name>. */
  workDir: string;
  steps: number;
  evalEvery: number;
  evalSequences: number;
  seed: number;
  /** Trains (weights read afresh at every call). */
  trainingBackend: Backend;
  /** Runs the trained models for the boundary analysis and generation speed. */
  inferenceBackend: Backend;
  /** Tokens generated per timed generation. */
  genTokens: number;
}

/** One validation of one model during training. */
export interface CurvePoint {
  step: number;
  /** Training FLOPs spent so far: 3x the forward FLOPs of every token trained on (forward + backward). */
  trainingFlops: number;
  bitsPerToken: number;
  tokensPerConcept: number;
}

export interface ArmResult {
  name: string;
  label: string;
  compressionRatio: number | undefined;
  dir: string;
  parameters: number;
  trainSeconds: number;
  curve: CurvePoint[];
  bitsPerToken: number;
  /** Realised on held-out text under the inference rule (NaN for the baseline, null in JSON). */
  tokensPerConcept: number;
  /** Inference FLOPs per token of a seqLen window at the realised tokens per concept. */
  flops: ReturnType<typeof dlcmFlopsPerToken>;
  /** Where the boundaries fall in held-out text (DLCMs only). */
  boundaries: BoundaryPlacement | undefined;
}

export interface DlcmExperimentResult {
  data: string;
  steps: number;
  seqLen: number;
  batchSize: number;
  arms: ArmResult[];
  generation: GenerationSpeed[];
}

/**
 * Trains the token-level baseline, DLCM R=2 and DLCM R=4 with the same data, tokenizer, run settings
 * and seed, then measures each: held-out bits per token, realised compression, FLOPs per token,
 * where the boundaries fall, and generation speed with the session caches.
 */
export async function runDlcmExperiment(
  settings: DlcmExperimentSettings,
  status: (line: string) => void,
): Promise<DlcmExperimentResult> {
  const run: RunSettings = {
    ...DEFAULT_RUN_SETTINGS,
    steps: settings.steps,
    warmupSteps: Math.max(1, Math.round(settings.steps / 10)),
    evalEvery: settings.evalEvery,
    evalSequences: settings.evalSequences,
    checkpointEvery: 0,
    seed: settings.seed,
  };
  const trained: Omit<ArmResult, 'boundaries'>[] = [];
  for (const arm of experimentArms()) trained.push(await trainArm(arm, run, settings, status));

  const heldOut = splitCorpus(readFileSync(settings.data, 'utf8'), run.heldOutFraction).validation;
  const loaded = await Promise.all(
    trained.map(async (result) => ({
      name: result.name,
      label: result.label,
      model: loadDlcm(result.dir, { backend: settings.inferenceBackend }),
      tokenizer: await loadTokenizer(result.dir),
    })),
  );
  const results = loaded.map((entry, i) => {
    const result = trained[i]!;
    const boundaries =
      result.compressionRatio === undefined
        ? undefined
        : boundaryPlacement(entry.model, entry.tokenizer, heldOut, run.seqLen, run.evalSequences);
    return { ...result, boundaries };
  });
  status('timing generation (the models alternate, three rounds)');
  const generation = measureGenerationSpeed(loaded, heldOut, settings.genTokens);
  return {
    data: settings.data,
    steps: settings.steps,
    seqLen: run.seqLen,
    batchSize: run.batchSize,
    arms: results,
    generation,
  };
}

/** Trains one arm into workDir/<name>, reporting each validation; its curve, final loss and FLOPs. */
async function trainArm(
  arm: ExperimentArm,
  run: RunSettings,
  settings: DlcmExperimentSettings,
  status: (line: string) => void,
): Promise<Omit<ArmResult, 'boundaries'>> {
  const dir = join(settings.workDir, arm.name);
  const model = parseDlcmConfig(arm.config, arm.name);
  status(`training ${arm.label} into ${dir}`);
  const curve: CurvePoint[] = [];
  let flopsSoFar = 0;
  let parameters = 0;
  const bar = new ProgressBar(arm.name);
  const started = performance.now();
  const onEvent = (event: DlcmTrainEvent) => {
    if (event.type === 'start') parameters = event.parameters;
    if (event.type === 'step') {
      const perToken = dlcmFlopsPerToken(model, {
        tokensPerConcept: event.tokensPerConcept,
        sequenceLength: run.seqLen,
      }).total;
      flopsSoFar += 3 * perToken * run.batchSize * run.seqLen;
      bar.update(event.step, event.totalSteps, `CE ${event.crossEntropy.toFixed(3)}`);
    }
    if (event.type === 'validation') {
      bar.finish();
      const concepts = Number.isNaN(event.tokensPerConcept)
        ? ''
        : `, ${event.tokensPerConcept.toFixed(2)} tokens/concept`;
      status(`${arm.name} step ${event.step}: ${event.bitsPerToken.toFixed(3)} bits/token${concepts}`);
      curve.push({
        step: event.step,
        trainingFlops: flopsSoFar,
        bitsPerToken: event.bitsPerToken,
        tokensPerConcept: event.tokensPerConcept,
      });
    }
  };
  const result = await trainDlcm({
    dataFile: settings.data,
    outDir: dir,
    model,
    config: run,
    backend: settings.trainingBackend,
    onEvent,
  });
  const { bitsPerToken, tokensPerConcept } = result.validation;
  return {
    name: arm.name,
    label: arm.label,
    compressionRatio: arm.compressionRatio,
    dir,
    parameters,
    trainSeconds: (performance.now() - started) / 1000,
    curve,
    bitsPerToken,
    tokensPerConcept,
    flops: dlcmFlopsPerToken(result.modelConfig, { tokensPerConcept, sequenceLength: run.seqLen }),
  };
}

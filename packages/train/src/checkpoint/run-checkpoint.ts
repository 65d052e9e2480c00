import { join } from 'node:path';
import { openSafetensors, SINGLE_WEIGHTS_FILE } from '@unmask/hub';
import { TrainError } from '../errors';
import type { LladaTrainModel } from '../model/llada-model';
import type { AdamW, AdamWState } from '../optim/adamw';
import { loadModelFolder, saveModelFolder } from './model-folder';
import { loadTrainingState, saveTrainingState, type TrainingProgress } from './training-state';

/**
 * A whole training checkpoint in one folder: the model as an official LLaDA folder (usable as is by the
 * engine) plus the optimizer moments and training_state.json, written last.
 */
export function saveCheckpoint<Run>(
  dir: string,
  model: LladaTrainModel,
  optimizer: AdamW,
  progress: TrainingProgress<Run>,
): void {
  saveModelFolder(dir, model, { step: String(progress.step) });
  saveTrainingState(dir, optimizer.snapshot(), progress);
}

/** Reads a checkpoint back; throws when its files are not all from the same step. */
export function loadCheckpoint<Run>(dir: string): {
  model: LladaTrainModel;
  optimizer: AdamWState;
  progress: TrainingProgress<Run>;
} {
  const { optimizer, progress } = loadTrainingState<Run>(dir);
  const weights = openSafetensors(join(dir, SINGLE_WEIGHTS_FILE));
  const weightsStep = weights.metadata['step'];
  weights.close();
  if (weightsStep !== String(progress.step)) {
    throw new TrainError(
      `${weights.path} is from step ${weightsStep}, the training state from step ${progress.step}: the checkpoint is incomplete`,
    );
  }
  return { model: loadModelFolder(dir), optimizer, progress };
}

import { join } from 'node:path';
import { writeFileAtomically } from '@unmask/hub';
import type { DlcmConfig } from '../config';
import { writeDlcmCheckpoint } from '../random-checkpoint';
import type { DlcmTrainModel } from './model';

export const DLCM_TRAINING_RUN_FILE = 'training_run.json';

/**
 * Writes the model as a DLCM folder `loadDlcm` reads (config.json + model.safetensors, F32, the
 * checkpoint layout's names), plus training_run.json recording the step and the run's settings.
 */
export function saveDlcmCheckpoint(
  dir: string,
  config: DlcmConfig,
  model: DlcmTrainModel,
  run: { step: number } & Record<string, unknown>,
): void {
  writeDlcmCheckpoint(dir, config, model.tensors());
  const json = `${JSON.stringify(run, null, 2)}\n`;
  writeFileAtomically(join(dir, DLCM_TRAINING_RUN_FILE), [new TextEncoder().encode(json)]);
}

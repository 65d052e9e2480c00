import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSafetensors, writeSafetensors } from '@unmask/hub';
import { TrainError } from '../errors';
import type { AdamWState } from '../optim/adamw';
import { writeJsonAtomically } from './write-json';

export const TRAINING_STATE_FILE = 'training_state.json';
export const OPTIMIZER_STATE_FILE = 'optimizer.safetensors';
const FORMAT = 'unmask-train-state/1';

/** Everything besides the weights and the optimizer moments that a resumed run needs to continue exactly. */
export interface TrainingProgress<Run> {
  /** Steps completed. */
  step: number;
  /** RNG states (uint32) by purpose, e.g. data order and masking. */
  rng: Record<string, number>;
  /** The run's resolved settings (and whatever else identifies it), so a resumed run continues with them. */
  run: Run;
}

/**
 * Saves the optimizer moments (optimizer.safetensors: `exp_avg.<param>` and `exp_avg_sq.<param>`, F32, as
 * PyTorch names them) and then training_state.json, the file that marks the checkpoint complete. Both
 * record the step, so a checkpoint torn by a crash between the writes is detected on load.
 */
export function saveTrainingState<Run>(
  dir: string,
  optimizer: AdamWState,
  progress: TrainingProgress<Run>,
): void {
  const tensors = new Map<string, { dtype: 'F32'; shape: number[]; data: Float32Array }>();
  for (const [name, { m, v }] of optimizer.moments) {
    tensors.set(`exp_avg.${name}`, { dtype: 'F32', shape: [m.length], data: m });
    tensors.set(`exp_avg_sq.${name}`, { dtype: 'F32', shape: [v.length], data: v });
  }
  const metadata = { step: String(progress.step), optimizer_step: String(optimizer.step) };
  writeSafetensors(join(dir, OPTIMIZER_STATE_FILE), tensors, metadata);
  writeJsonAtomically(join(dir, TRAINING_STATE_FILE), {
    format: FORMAT,
    ...progress,
    optimizerStep: optimizer.step,
  });
}

/** Reads what `saveTrainingState` wrote; throws when the files are missing, foreign or from different steps. */
export function loadTrainingState<Run>(dir: string): {
  optimizer: AdamWState;
  progress: TrainingProgress<Run>;
} {
  const path = join(dir, TRAINING_STATE_FILE);
  const json = JSON.parse(readFileSync(path, 'utf8')) as TrainingProgress<Run> & {
    format?: string;
    optimizerStep: number;
  };
  if (json.format !== FORMAT)
    throw new TrainError(`${path}: not a training state of this trainer (format ${json.format})`);
  const file = openSafetensors(join(dir, OPTIMIZER_STATE_FILE));
  try {
    if (file.metadata['step'] !== String(json.step)) {
      throw new TrainError(
        `${file.path} is from step ${file.metadata['step']}, ${TRAINING_STATE_FILE} from step ${json.step}: the checkpoint is incomplete`,
      );
    }
    const moments = new Map<string, { m: Float32Array; v: Float32Array }>();
    for (const name of file.tensors.keys()) {
      if (!name.startsWith('exp_avg.')) continue;
      const param = name.slice('exp_avg.'.length);
      moments.set(param, {
        m: file.readF32(name).data as Float32Array,
        v: file.readF32(`exp_avg_sq.${param}`).data as Float32Array,
      });
    }
    const { format: _format, optimizerStep, ...progress } = json;
    return { optimizer: { step: optimizerStep, moments }, progress };
  } finally {
    file.close();
  }
}

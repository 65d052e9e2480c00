import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SINGLE_WEIGHTS_FILE, writeSafetensors } from '@unmask/hub';
import { cpuBackend } from '@unmask/tensor';
import { loadModel } from '@unmask/transformer';
import { architectureOf, lladaConfigJson } from '../model/architecture';
import { LladaTrainModel } from '../model/llada-model';
import { writeJsonAtomically } from './write-json';

/**
 * Writes the model as an official-layout LLaDA folder: config.json and model.safetensors (F32, the
 * official tensor names), which @unmask/transformer's loadModel reads like any Hugging Face checkpoint.
 * `metadata` goes into the safetensors header (a checkpoint records its step there).
 */
export function saveModelFolder(
  dir: string,
  model: LladaTrainModel,
  metadata: Record<string, string> = {},
): void {
  mkdirSync(dir, { recursive: true });
  const tensors = new Map(
    model.parameters.map((p) => [p.name, { dtype: 'F32' as const, shape: p.value.dims, data: p.data }]),
  );
  writeSafetensors(join(dir, SINGLE_WEIGHTS_FILE), tensors, { format: 'pt', ...metadata });
  writeJsonAtomically(join(dir, 'config.json'), lladaConfigJson(architectureOf(model.config)));
}

/** Reads a LLaDA folder back as a trainable model, through the engine's own loader. */
export function loadModelFolder(dir: string): LladaTrainModel {
  return LladaTrainModel.fromModel(loadModel(dir, { backend: cpuBackend }));
}

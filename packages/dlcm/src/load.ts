import { openCheckpoint } from '@unmask/hub';
import { type Backend, getBackend } from '@unmask/tensor';
import { readRawConfig } from '@unmask/transformer';
import { type DlcmConfig, parseDlcmConfig } from './config';
import { DlcmModel } from './model';
import { loadDlcmWeights } from './weights';

/** Reads and parses `dir/config.json` of a DLCM folder. */
export function readDlcmConfig(dir: string): DlcmConfig {
  const { raw, path } = readRawConfig(dir);
  return parseDlcmConfig(raw, path);
}

/**
 * Loads a DLCM folder (config.json + model.safetensors or a sharded index) onto a backend (the best
 * registered one by default); every tensor is shape-checked against the config first.
 */
export function loadDlcm(dir: string, options: { backend?: Backend } = {}): DlcmModel {
  const config = readDlcmConfig(dir);
  const checkpoint = openCheckpoint(dir);
  try {
    const weights = loadDlcmWeights(checkpoint, config, dir);
    return new DlcmModel(options.backend ?? getBackend(), config, weights);
  } finally {
    checkpoint.close();
  }
}

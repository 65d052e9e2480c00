import { checkRunSettings, DEFAULT_RUN_SETTINGS, type RunSettings, TrainError } from '@unmask/train';

/** Everything that defines a DLCM training run besides the model's config. */
export interface DlcmTrainConfig extends RunSettings {
  /** lambda of L_CE + lambda * L_aux. */
  auxWeight: number;
  /** T of the sharpened Bernoulli the training boundaries are drawn from (1: p itself). */
  temperature: number;
  /** The CE's gradient path to the detector: H-Net's straight-through confidence, or none (L_aux alone). */
  detectorGradient: 'straight-through' | 'aux-only';
  /**
   * Decoupled muP: a matrix of input width d learns at peakLr * mupBaseWidth / d; vectors (norms, the
   * embedding, the null concept) at peakLr. null: every parameter at peakLr.
   */
  mupBaseWidth: number | null;
  /** Standard deviation of the initial embedding and projections. */
  initStd: number;
}

export const DEFAULT_DLCM_TRAIN_CONFIG: DlcmTrainConfig = {
  ...DEFAULT_RUN_SETTINGS,
  auxWeight: 1,
  temperature: 0.1,
  detectorGradient: 'straight-through',
  mupBaseWidth: null,
  initStd: 0.02,
};

/** Defaults filled in and checked; an unknown or inconsistent setting is a TrainError naming it. */
export function resolveDlcmTrainConfig(input: Partial<DlcmTrainConfig> = {}): DlcmTrainConfig {
  const unknown = Object.keys(input).filter((key) => !(key in DEFAULT_DLCM_TRAIN_CONFIG));
  if (unknown.length > 0) throw new TrainError(`unknown DLCM training settings: ${unknown.join(', ')}`);
  const config = { ...DEFAULT_DLCM_TRAIN_CONFIG, ...input };
  checkRunSettings(config);
  if (config.seqLen < 2)
    throw new TrainError(`seqLen must be at least 2 (next-token targets), got ${config.seqLen}`);
  if (!(config.temperature > 0))
    throw new TrainError(`temperature must be positive, got ${config.temperature}`);
  if (config.mupBaseWidth !== null && !(config.mupBaseWidth > 0)) {
    throw new TrainError(`mupBaseWidth must be positive or null, got ${config.mupBaseWidth}`);
  }
  return config;
}

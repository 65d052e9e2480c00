import { UnmaskError } from '@unmask/tensor';
import { ModelConfigError, WeightError } from '@unmask/transformer';

/** A DLCM config.json is missing a field or has a wrong value; the message names the field and the value. */
export class DlcmConfigError extends ModelConfigError {}

/** A DLCM checkpoint lacks a tensor, holds one it should not, or holds one of the wrong shape. */
export class DlcmWeightError extends WeightError {}

/** Boundary flags or segment ids that do not describe a segmentation (e.g. a first token that starts no segment). */
export class SegmentationError extends UnmaskError {}

/** A Global Parser loss or boundary-sampling argument out of range (the message holds the value). */
export class BoundaryLossError extends UnmaskError {}

/** A token-only model (config `"token_only": true`) was asked for something of the concept path. */
export class NoConceptPathError extends UnmaskError {
  constructor(readonly what: string) {
    super(
      `this model is token-only ("token_only": true in config.json): it has no concept path, so no ${what}`,
    );
  }
}

import { UnmaskError } from '@unmask/tensor';

/** config.json is missing a field, has a wrong value, or asks for something we do not support. */
export class ModelConfigError extends UnmaskError {}

/** A checkpoint lacks a tensor the family needs, or has one of the wrong shape. */
export class WeightError extends UnmaskError {}

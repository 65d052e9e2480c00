import { UnmaskError } from '@unmask/tensor';

/** An analysis could not run on its input, or a built-in check failed. */
export class AnalysisError extends UnmaskError {}

import { UnmaskError } from '@unmask/tensor';

/** A training run cannot start or continue: a bad setting, backend, checkpoint or corpus. */
export class TrainError extends UnmaskError {}

import { UnmaskError } from '@unmask/tensor';

/** A policy was misconfigured, is unknown, or was called outside a request it was reset for. */
export class CachePolicyError extends UnmaskError {}

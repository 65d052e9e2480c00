import { UnmaskError } from '@unmask/tensor';

/** What was wrong, so callers and tests can tell violations apart without parsing messages. */
export type SafetensorsProblem =
  | 'header-length'
  | 'header-json'
  | 'entry'
  | 'dtype'
  | 'shape'
  | 'offsets'
  | 'overlap'
  | 'size'
  | 'missing-tensor'
  | 'io'
  | 'index'
  | 'shard-missing'
  | 'write';

/** A safetensors file, index or checkpoint folder is malformed, incomplete or unwritable. Names the file and, where one is involved, the tensor. */
export class SafetensorsError extends UnmaskError {
  constructor(
    readonly problem: SafetensorsProblem,
    readonly file: string,
    readonly tensor: string | undefined,
    detail: string,
    cause?: unknown,
  ) {
    super(`${file}${tensor === undefined ? '' : `: tensor "${tensor}"`}: ${detail}`);
    if (cause !== undefined) this.cause = cause;
  }
}

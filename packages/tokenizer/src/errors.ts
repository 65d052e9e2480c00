import { UnmaskError } from '@unmask/tensor';

/** Base class of every error this package raises on purpose. */
export class TokenizerError extends UnmaskError {}

/** A tokenizer file is not valid JSON, or lacks / mistypes a field we need. Names the file and the field. */
export class TokenizerFormatError extends TokenizerError {
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

/** A component type (model, normalizer, pre-tokenizer, ...) we do not implement. Lists the ones we do. */
export class UnsupportedTokenizerError extends TokenizerError {
  constructor(
    readonly component: string,
    readonly type: string,
    readonly supported: readonly string[],
  ) {
    super(`unsupported ${component} type "${type}"; supported: ${supported.join(', ')}`);
  }
}

/** Neither a tokenizer.json nor a complete vocab.json + merges.txt pair was found. */
export class TokenizerFilesNotFoundError extends TokenizerError {
  constructor(
    readonly path: string,
    readonly lookedFor: readonly string[],
  ) {
    super(`no tokenizer found at ${path}: looked for ${lookedFor.join(', ')}`);
  }
}

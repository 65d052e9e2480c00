export type { AddedToken } from './added-tokens';
export {
  benchTokenizer,
  type ImplementationTiming,
  type TokenizerBenchOptions,
  type TokenizerBenchResult,
} from './bench';
export { BYTE_TO_CHAR_CODE, toByteLevel } from './byte-level';
export { type ChatMessage, ChatTemplate, type ChatTemplateOptions } from './chat-template';
export { createDetokenizer, type Detokenizer } from './detokenizer';
export {
  TokenizerError,
  TokenizerFilesNotFoundError,
  TokenizerFormatError,
  UnsupportedTokenizerError,
} from './errors';
export { type Gpt2LayoutFiles, gpt2LayoutToTokenizerJson } from './gpt2-layout';
export type { JsonObject } from './json-fields';
export { loadTokenizer, readTokenizerSource, type TokenizerSource } from './load';
export { type SampleCorpusOptions, sampleCorpus } from './sample-corpus';
export {
  resolveSpecialTokens,
  type SpecialToken,
  type SpecialTokenRole,
  type SpecialTokens,
} from './special-tokens';
export { type DecodeOptions, type EncodeOptions, SUPPORTED_MODELS, Tokenizer } from './tokenizer';

import { type AddedToken, AddedTokenMatcher, parseAddedTokens } from './added-tokens';
import { BpeModel } from './bpe';
import { type ChatMessage, ChatTemplate, type ChatTemplateOptions } from './chat-template';
import { createDecoder, type Decoder } from './decoder';
import { createDetokenizer, type Detokenizer } from './detokenizer';
import { TokenizerError, UnsupportedTokenizerError } from './errors';
import { JsonFields, type JsonObject } from './json-fields';
import { createNormalizer, type Normalizer } from './normalizer';
import { createPostProcessor, type PostProcessor } from './post-processor';
import { createPreTokenizer, type PreTokenizer } from './pre-tokenizer';
import { resolveSpecialTokens, type SpecialTokens } from './special-tokens';

export interface EncodeOptions {
  /** Apply the post-processor (e.g. LLaMA-3's BOS). Default true, as in transformers. */
  addSpecialTokens?: boolean;
}

export interface DecodeOptions {
  /** Leave out added tokens flagged special. Default false. */
  skipSpecialTokens?: boolean;
  /** transformers' " ." -> "." clean-up; default: the config's `clean_up_tokenization_spaces` (else false). */
  cleanUpTokenizationSpaces?: boolean;
}

export const SUPPORTED_MODELS = ['BPE'];

/** transformers' `clean_up_tokenization`. */
function cleanUpTokenization(text: string): string {
  return text
    .replaceAll(' .', '.')
    .replaceAll(' ?', '?')
    .replaceAll(' !', '!')
    .replaceAll(' ,', ',')
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}

/**
 * A Hugging Face tokenizer: tokenizer.json's pipeline (added tokens -> normalizer -> pre-tokenizer -> BPE
 * -> post-processor, and the decoder back) plus tokenizer_config.json's special tokens and chat template.
 */
export class Tokenizer {
  /** Size an embedding table needs: highest id + 1. */
  readonly vocabSize: number;
  readonly specialTokens: SpecialTokens;
  readonly addedTokens: readonly AddedToken[];
  readonly chatTemplate: ChatTemplate | undefined;
  private readonly model: BpeModel;
  private readonly normalizer: Normalizer | null;
  private readonly preTokenizer: PreTokenizer | null;
  private readonly postProcessor: PostProcessor | null;
  private readonly decoder: Decoder | null;
  private readonly rawTokens: AddedTokenMatcher;
  private readonly normalizedTokens: AddedTokenMatcher;
  private readonly addedById = new Map<number, AddedToken>();
  private readonly addedByContent = new Map<string, AddedToken>();
  private readonly cleanUpTokenizationSpaces: boolean;

  /**
   * @param tokenizerJson parsed tokenizer.json
   * @param config tokenizer_config.json merged with special_tokens_map.json (may be empty)
   */
  constructor(tokenizerJson: unknown, config: JsonObject = {}, file = 'tokenizer.json') {
    const json = JsonFields.of(tokenizerJson, file);
    const modelConfig = json.object('model');
    const modelType = modelConfig.optionalString('type') ?? (modelConfig.has('merges') ? 'BPE' : 'unknown');
    if (!SUPPORTED_MODELS.includes(modelType))
      throw new UnsupportedTokenizerError('model', modelType, SUPPORTED_MODELS);

    const normalizerConfig = json.optionalObject('normalizer');
    this.normalizer = normalizerConfig ? createNormalizer(normalizerConfig) : null;
    const { preTokenizer, byteLevel } = createPreTokenizer(json.optionalObject('pre_tokenizer'));
    this.preTokenizer = preTokenizer;
    this.model = new BpeModel(modelConfig, byteLevel);
    const postProcessorConfig = json.optionalObject('post_processor');
    this.postProcessor = postProcessorConfig ? createPostProcessor(postProcessorConfig) : null;
    const decoderConfig = json.optionalObject('decoder');
    this.decoder = decoderConfig ? createDecoder(decoderConfig) : null;

    this.addedTokens = parseAddedTokens(json);
    for (const token of this.addedTokens) {
      this.addedById.set(token.id, token);
      this.addedByContent.set(token.content, token);
    }
    const normalize = this.normalizer ?? ((text: string) => text);
    this.rawTokens = new AddedTokenMatcher(this.addedTokens.filter((token) => !token.normalized));
    this.normalizedTokens = new AddedTokenMatcher(
      this.addedTokens.filter((token) => token.normalized),
      (token) => normalize(token.content),
    );

    const highestId = Math.max(this.model.tokens.length - 1, ...this.addedTokens.map((token) => token.id));
    this.vocabSize = highestId + 1;
    this.specialTokens = resolveSpecialTokens(config, (content) => this.tokenToId(content));
    this.chatTemplate = ChatTemplate.fromConfig(config);
    this.cleanUpTokenizationSpaces = config['clean_up_tokenization_spaces'] === true;
  }

  get bosTokenId(): number | undefined {
    return this.specialTokens.bos?.id;
  }

  get eosTokenId(): number | undefined {
    return this.specialTokens.eos?.id;
  }

  get padTokenId(): number | undefined {
    return this.specialTokens.pad?.id;
  }

  get maskTokenId(): number | undefined {
    return this.specialTokens.mask?.id;
  }

  encode(text: string, options: EncodeOptions = {}): number[] {
    const ids: number[] = [];
    this.rawTokens.split(
      text,
      (segment, offset) => this.encodeSection(segment, offset === 0, ids),
      (token) => ids.push(token.id),
    );
    return (options.addSpecialTokens ?? true) && this.postProcessor ? this.postProcessor(ids) : ids;
  }

  private encodeSection(text: string, atStart: boolean, ids: number[]): void {
    const normalized = this.normalizer ? this.normalizer(text) : text;
    this.normalizedTokens.split(
      normalized,
      (segment, offset) => this.encodePieces(segment, atStart && offset === 0, ids),
      (token) => ids.push(token.id),
    );
  }

  private encodePieces(text: string, atStart: boolean, ids: number[]): void {
    const model = this.model;
    if (this.preTokenizer) this.preTokenizer.split(text, atStart, (piece) => model.tokenize(piece, ids));
    else model.tokenize(text, ids);
  }

  /** Ids with no token (e.g. embedding rows past the vocabulary) are skipped, as the Rust crate does. */
  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    const skipSpecial = options.skipSpecialTokens ?? false;
    const tokens: string[] = [];
    for (const id of ids) {
      const added = this.addedById.get(id);
      if (added) {
        if (!(skipSpecial && added.special)) tokens.push(added.content);
        continue;
      }
      const token = this.model.tokens[id];
      if (token !== undefined) tokens.push(token);
    }
    const text = this.decoder ? this.decoder(tokens).join('') : tokens.join(' ');
    return (options.cleanUpTokenizationSpaces ?? this.cleanUpTokenizationSpaces)
      ? cleanUpTokenization(text)
      : text;
  }

  /** Streaming decode (see createDetokenizer); never applies the clean-up, which is not prefix-stable. */
  createDetokenizer(options: { skipSpecialTokens?: boolean } = {}): Detokenizer {
    const decodeOptions = {
      skipSpecialTokens: options.skipSpecialTokens ?? false,
      cleanUpTokenizationSpaces: false,
    };
    return createDetokenizer((ids) => this.decode(ids, decodeOptions));
  }

  tokenToId(token: string): number | undefined {
    return this.addedByContent.get(token)?.id ?? this.model.vocab.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.addedById.get(id)?.content ?? this.model.tokens[id];
  }

  isSpecialId(id: number): boolean {
    return this.addedById.get(id)?.special ?? false;
  }

  applyChatTemplate(messages: readonly ChatMessage[], options: ChatTemplateOptions = {}): string {
    if (!this.chatTemplate)
      throw new TokenizerError('this tokenizer has no chat template (tokenizer_config.json)');
    return this.chatTemplate.render(messages, options);
  }
}

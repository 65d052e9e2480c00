import { DlcmConfigError } from './errors';

/** One causal transformer stack (encoder, concept backbone or decoder). */
export interface StageConfig {
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  /** config `head_dim`, by default width / numHeads. */
  headDim: number;
  intermediateSize: number;
}

/** The decoder's cross-attention from tokens (queries, width dToken) to concepts (keys/values, width dConcept). */
export interface CrossAttentionConfig {
  numHeads: number;
  numKvHeads: number;
  headDim: number;
}

/**
 * How boundaries are found at inference. `learned`: p_t = (1 - cos(Wq h_{t-1}, Wk h_t)) / 2, a boundary
 * where p_t >= 0.5. `rule`: p_t = (1 - cos(h_{t-1}, h_t)) / 2 on the encoder states, a boundary where
 * p_t > tau. Both force a boundary at the first token (p_1 = 1).
 */
export type BoundaryConfig = { kind: 'learned' } | { kind: 'rule'; tau: number };

/**
 * Everything between the encoder and the decoder's self-attention: boundary detection, pooling into
 * concepts, the concept backbone and the decoder's cross-attention to concepts.
 */
export interface ConceptPathConfig {
  /** Width of the concept backbone. */
  dConcept: number;
  backbone: StageConfig;
  crossAttention: CrossAttentionConfig;
  boundary: BoundaryConfig;
  /** R, the target tokens per concept of the Global Parser loss (> 1). */
  compressionRatio: number;
}

export interface DlcmConfig {
  vocabSize: number;
  dToken: number;
  encoder: StageConfig;
  decoder: StageConfig;
  /**
   * The concept path; undefined for a token-only model (config `"token_only": true`): embedding,
   * encoder layers, decoder layers, final norm and LM head, a plain causal transformer.
   */
  conceptPath: ConceptPathConfig | undefined;
  ropeTheta: number;
  normEps: number;
  /** Longest token sequence. */
  maxPositions: number;
  /** The LM head reuses the token embedding. */
  tiedEmbeddings: boolean;
  bosTokenId: number | undefined;
  eosTokenId: number | undefined;
  padTokenId: number | undefined;
}

export const DLCM_MODEL_TYPE = 'dlcm';

/** The config.json fields of the concept path, which a token-only config must leave out. */
export const CONCEPT_PATH_FIELDS = [
  'd_concept',
  'backbone',
  'cross_attention',
  'boundary',
  'compression_ratio',
] as const;

type Raw = Record<string, unknown>;

/** Typed readers over one JSON object; failures name the dotted field path and the value found. */
class FieldReader {
  constructor(
    private readonly raw: Raw,
    private readonly where: string,
    private readonly prefix = '',
  ) {}

  fail(field: string, expected: string): never {
    const value = JSON.stringify(this.raw[field]) ?? 'nothing';
    throw new DlcmConfigError(`${this.where}: '${this.prefix}${field}' must be ${expected}, got ${value}`);
  }

  positiveInt(field: string, fallback?: number): number {
    const value = this.raw[field] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
      this.fail(field, 'a positive integer');
    return value;
  }

  number(field: string, expected: string, accept: (n: number) => boolean, fallback?: number): number {
    const value = this.raw[field] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || !accept(value)) this.fail(field, expected);
    return value;
  }

  /** Fails unless `field` is absent (`why` says when it must be). */
  absent(field: string, why: string): void {
    if (this.raw[field] !== undefined) this.fail(field, `absent ${why}`);
  }

  boolean(field: string, fallback: boolean): boolean {
    const value = this.raw[field] ?? fallback;
    if (typeof value !== 'boolean') this.fail(field, 'true or false');
    return value;
  }

  /** A token id below vocabSize, or undefined when absent or null; a list yields its first entry. */
  tokenId(field: string, vocabSize: number): number | undefined {
    let value = this.raw[field];
    if (Array.isArray(value)) value = value[0];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= vocabSize)
      this.fail(field, `a token id in [0, ${vocabSize})`);
    return value;
  }

  object(field: string): FieldReader {
    const value = this.raw[field];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(field, 'an object');
    return new FieldReader(value as Raw, this.where, `${this.prefix}${field}.`);
  }

  string(field: string, allowed: readonly string[]): string {
    const value = this.raw[field];
    if (typeof value !== 'string' || !allowed.includes(value))
      this.fail(field, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
    return value;
  }

  /** Heads that split `width` into even head dims and group evenly over KV heads. */
  heads(width: number, widthName: string): { numHeads: number; numKvHeads: number; headDim: number } {
    const numHeads = this.positiveInt('num_heads');
    const numKvHeads = this.positiveInt('num_kv_heads', numHeads);
    if (this.raw['head_dim'] === undefined && width % numHeads !== 0)
      this.fail('num_heads', `a divisor of ${widthName} ${width} (or give head_dim)`);
    if (numHeads % numKvHeads !== 0) this.fail('num_kv_heads', `a divisor of num_heads ${numHeads}`);
    const headDim = this.positiveInt('head_dim', width / numHeads);
    if (headDim % 2 !== 0) this.fail('head_dim', 'even (RoPE rotates pairs)');
    return { numHeads, numKvHeads, headDim };
  }
}

function parseStage(read: FieldReader, field: string, width: number, widthName: string): StageConfig {
  const stage = read.object(field);
  return {
    numLayers: stage.positiveInt('num_layers'),
    ...stage.heads(width, widthName),
    intermediateSize: stage.positiveInt('intermediate_size'),
  };
}

function parseBoundary(read: FieldReader): BoundaryConfig {
  const boundary = read.object('boundary');
  const kind = boundary.string('kind', ['learned', 'rule']);
  if (kind === 'learned') return { kind };
  return { kind: 'rule', tau: boundary.number('tau', 'a number in [0, 1)', (n) => n >= 0 && n < 1) };
}

/**
 * Parses a DLCM config.json (see the package README for every field). `where` (a path) starts every
 * error message.
 */
export function parseDlcmConfig(raw: unknown, where: string): DlcmConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new DlcmConfigError(`${where}: a DLCM config must be a JSON object`);
  }
  const read = new FieldReader(raw as Raw, where);
  read.string('model_type', [DLCM_MODEL_TYPE]);
  const tokenOnly = read.boolean('token_only', false);
  const vocabSize = read.positiveInt('vocab_size');
  const dToken = read.positiveInt('d_token');
  const encoder = parseStage(read, 'encoder', dToken, 'd_token');
  let conceptPath: ConceptPathConfig | undefined;
  if (tokenOnly) {
    for (const field of CONCEPT_PATH_FIELDS) read.absent(field, 'when token_only is true');
  } else {
    const dConcept = read.positiveInt('d_concept');
    conceptPath = {
      dConcept,
      backbone: parseStage(read, 'backbone', dConcept, 'd_concept'),
      crossAttention: read.object('cross_attention').heads(dToken, 'd_token'),
      boundary: parseBoundary(read),
      compressionRatio: read.number('compression_ratio', 'a number above 1', (n) => n > 1),
    };
  }
  return {
    vocabSize,
    dToken,
    encoder,
    decoder: parseStage(read, 'decoder', dToken, 'd_token'),
    conceptPath,
    ropeTheta: read.number('rope_theta', 'a positive number', (n) => n > 0, 10000),
    normEps: read.number('rms_norm_eps', 'a positive number', (n) => n > 0, 1e-6),
    maxPositions: read.positiveInt('max_position_embeddings'),
    tiedEmbeddings: read.boolean('tie_word_embeddings', false),
    bosTokenId: read.tokenId('bos_token_id', vocabSize),
    eosTokenId: read.tokenId('eos_token_id', vocabSize),
    padTokenId: read.tokenId('pad_token_id', vocabSize),
  };
}

function stageJson(stage: StageConfig): Raw {
  return {
    num_layers: stage.numLayers,
    num_heads: stage.numHeads,
    num_kv_heads: stage.numKvHeads,
    head_dim: stage.headDim,
    intermediate_size: stage.intermediateSize,
  };
}

/**
 * The config.json object `parseDlcmConfig` reads back as `config`. A token-only config gets
 * `"token_only": true` and none of the concept path's fields; a DLCM config has no `token_only` key.
 */
export function dlcmConfigJson(config: DlcmConfig): Raw {
  const path = config.conceptPath;
  return {
    model_type: DLCM_MODEL_TYPE,
    architectures: ['DlcmForCausalLM'],
    ...(path ? {} : { token_only: true }),
    vocab_size: config.vocabSize,
    d_token: config.dToken,
    ...(path && { d_concept: path.dConcept }),
    encoder: stageJson(config.encoder),
    ...(path && { backbone: stageJson(path.backbone) }),
    decoder: stageJson(config.decoder),
    ...(path && {
      cross_attention: {
        num_heads: path.crossAttention.numHeads,
        num_kv_heads: path.crossAttention.numKvHeads,
        head_dim: path.crossAttention.headDim,
      },
      boundary:
        path.boundary.kind === 'rule' ? { kind: 'rule', tau: path.boundary.tau } : { kind: 'learned' },
      compression_ratio: path.compressionRatio,
    }),
    rope_theta: config.ropeTheta,
    rms_norm_eps: config.normEps,
    max_position_embeddings: config.maxPositions,
    tie_word_embeddings: config.tiedEmbeddings,
    bos_token_id: config.bosTokenId ?? null,
    eos_token_id: config.eosTokenId ?? null,
    pad_token_id: config.padTokenId ?? null,
  };
}

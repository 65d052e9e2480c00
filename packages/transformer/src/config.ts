import { ModelConfigError } from './errors';

/** config.json as found on disk. */
export type RawConfig = Record<string, unknown>;

/** The architecture facts every family reduces its config.json to. */
export interface ModelConfig {
  family: string;
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  intermediateSize: number;
  ropeTheta: number;
  normEps: number;
  maxPositions: number;
  /** q/k/v projections carry a bias (Dream). */
  qkvBias: boolean;
  /** The LM head reuses the token embedding. */
  tiedEmbeddings: boolean;
  maskTokenId: number | undefined;
  eosTokenId: number | undefined;
  padTokenId: number | undefined;
  bosTokenId: number | undefined;
}

/** Typed readers for config.json fields; every failure names the field and the value found. */
export class ConfigReader {
  constructor(
    private readonly raw: RawConfig,
    private readonly where: string,
  ) {}

  private fail(field: string, expected: string): never {
    throw new ModelConfigError(
      `${this.where}: '${field}' must be ${expected}, got ${JSON.stringify(this.raw[field]) ?? 'nothing'}`,
    );
  }

  positiveInt(field: string, fallback?: number): number {
    const value = this.raw[field] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
      this.fail(field, 'a positive integer');
    return value;
  }

  positiveNumber(field: string, fallback?: number): number {
    const value = this.raw[field] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
      this.fail(field, 'a positive number');
    return value;
  }

  /** A token id, or undefined when absent or null. A list (several EOS ids) yields its first entry. */
  tokenId(field: string): number | undefined {
    let value = this.raw[field];
    if (Array.isArray(value)) value = value[0];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) this.fail(field, 'a token id');
    return value;
  }

  boolean(field: string, fallback: boolean): boolean {
    const value = this.raw[field] ?? fallback;
    if (typeof value !== 'boolean') this.fail(field, 'true or false');
    return value;
  }

  /** The field must be absent or one of `allowed` (for options we do not implement). */
  oneOf(field: string, allowed: readonly unknown[]): void {
    const value = this.raw[field];
    if (value !== undefined && !allowed.includes(value)) {
      throw new ModelConfigError(
        `${this.where}: '${field}' = ${JSON.stringify(value)} is not supported (supported: ${allowed.map((a) => JSON.stringify(a)).join(', ')})`,
      );
    }
  }
}

/** Checks the relations between sizes that every family needs. */
export function validateShapes(config: ModelConfig, where: string): ModelConfig {
  const { numHeads, numKvHeads, headDim } = config;
  if (numHeads % numKvHeads !== 0) {
    throw new ModelConfigError(
      `${where}: ${numHeads} attention heads is not a multiple of ${numKvHeads} KV heads`,
    );
  }
  if (headDim % 2 !== 0) throw new ModelConfigError(`${where}: head dim ${headDim} must be even for RoPE`);
  if (config.maskTokenId !== undefined && config.maskTokenId >= config.vocabSize) {
    throw new ModelConfigError(
      `${where}: mask token id ${config.maskTokenId} is outside the vocabulary (${config.vocabSize})`,
    );
  }
  return config;
}

import { TokenizerFormatError } from './errors';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Typed, located access to one object of a tokenizer file: every failed read throws a
 * TokenizerFormatError naming the file and the JSON path of the field.
 */
export class JsonFields {
  private constructor(
    readonly value: JsonObject,
    readonly file: string,
    readonly path: string,
  ) {}

  static of(value: unknown, file: string, path = '$'): JsonFields {
    if (!isJsonObject(value)) throw new TokenizerFormatError(file, `${path} must be an object`);
    return new JsonFields(value, file, path);
  }

  fail(detail: string): never {
    throw new TokenizerFormatError(this.file, `${this.path}: ${detail}`);
  }

  has(key: string): boolean {
    return this.value[key] !== undefined && this.value[key] !== null;
  }

  string(key: string): string {
    const value = this.value[key];
    if (typeof value !== 'string') this.fail(`"${key}" must be a string`);
    return value;
  }

  optionalString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : undefined;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.value[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') this.fail(`"${key}" must be a boolean`);
    return value;
  }

  integer(key: string, fallback?: number): number {
    const value = this.value[key];
    if ((value === undefined || value === null) && fallback !== undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value)) this.fail(`"${key}" must be an integer`);
    return value;
  }

  array(key: string): unknown[] {
    const value = this.value[key];
    if (!Array.isArray(value)) this.fail(`"${key}" must be an array`);
    return value;
  }

  object(key: string): JsonFields {
    return JsonFields.of(this.value[key], this.file, `${this.path}.${key}`);
  }

  optionalObject(key: string): JsonFields | null {
    return this.has(key) ? this.object(key) : null;
  }

  /** The elements of an array field, each as an object. */
  objects(key: string): JsonFields[] {
    return this.array(key).map((item, i) => JsonFields.of(item, this.file, `${this.path}.${key}[${i}]`));
  }

  /** The component's `type` tag. */
  type(): string {
    return this.string('type');
  }
}

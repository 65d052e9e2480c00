import { numel } from '@unmask/tensor';
import { DTYPE_SIZES, isSafetensorsDtype, type SafetensorsDtype } from './dtypes';
import { SafetensorsError } from './errors';

/** The reference implementation's bound: a larger header is a corrupt or hostile file, not a model. */
export const MAX_HEADER_BYTES = 100_000_000;

export interface TensorInfo {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly byteLength: number;
}

/** A tensor's description plus where its bytes start in the file. */
export interface TensorEntry extends TensorInfo {
  readonly fileOffset: number;
}

export interface SafetensorsHeader {
  readonly tensors: ReadonlyMap<string, TensorEntry>;
  readonly metadata: Readonly<Record<string, string>>;
}

interface Layout {
  readonly file: string;
  /** Absolute file offset of the data section (8 + header length). */
  readonly dataStart: number;
  readonly dataLength: number;
}

/** Parses and validates a header against the data section that follows it; trusts none of its content. */
export function parseHeader(headerBytes: Uint8Array, layout: Layout): SafetensorsHeader {
  const header = decodeHeaderJson(headerBytes, layout.file);
  const tensors = new Map<string, TensorEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') metadata = parseMetadata(value, layout.file);
    else tensors.set(name, parseEntry(name, value, layout));
  }
  rejectOverlaps([...tensors.values()], layout.file);
  return { tensors, metadata };
}

function decodeHeaderJson(bytes: Uint8Array, file: string): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SafetensorsError('header-json', file, undefined, 'header is not valid UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SafetensorsError(
      'header-json',
      file,
      undefined,
      `header is not valid JSON (${(error as Error).message})`,
    );
  }
  if (!isPlainObject(parsed))
    throw new SafetensorsError('header-json', file, undefined, 'header is not a JSON object');
  return parsed;
}

function parseMetadata(value: unknown, file: string): Record<string, string> {
  if (!isPlainObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new SafetensorsError('entry', file, undefined, '__metadata__ must be an object of string values');
  }
  return value as Record<string, string>;
}

function parseEntry(name: string, value: unknown, layout: Layout): TensorEntry {
  const fail = (problem: 'entry' | 'dtype' | 'shape' | 'offsets' | 'size', detail: string) =>
    new SafetensorsError(problem, layout.file, name, detail);
  if (!isPlainObject(value)) throw fail('entry', 'entry is not an object {dtype, shape, data_offsets}');
  const { dtype, shape, data_offsets: offsets } = value;
  if (!isSafetensorsDtype(dtype)) {
    throw fail(
      'dtype',
      `unknown dtype ${JSON.stringify(dtype)} (known: ${Object.keys(DTYPE_SIZES).join(', ')})`,
    );
  }
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
    throw fail('shape', `shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger)) {
    throw fail(
      'offsets',
      `data_offsets ${JSON.stringify(offsets)} are not two non-negative integers [begin, end]`,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) throw fail('offsets', `data_offsets [${begin}, ${end}] end before they begin`);
  if (end > layout.dataLength) {
    throw fail(
      'offsets',
      `data_offsets [${begin}, ${end}] reach past the data section (${layout.dataLength} bytes)`,
    );
  }
  // An oversized shape's product loses precision but stays far above any real byte length, so it still fails here.
  const needed = numel(shape) * DTYPE_SIZES[dtype];
  if (needed !== end - begin) {
    throw fail(
      'size',
      `shape [${shape.join(', ')}] of ${dtype} needs ${needed} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`,
    );
  }
  return { name, dtype, shape, byteLength: end - begin, fileOffset: layout.dataStart + begin };
}

function rejectOverlaps(entries: readonly TensorEntry[], file: string): void {
  const filled = entries.filter((e) => e.byteLength > 0).sort((a, b) => a.fileOffset - b.fileOffset);
  for (let i = 1; i < filled.length; i++) {
    const previous = filled[i - 1]!;
    const current = filled[i]!;
    if (current.fileOffset < previous.fileOffset + previous.byteLength) {
      throw new SafetensorsError(
        'overlap',
        file,
        current.name,
        `its bytes overlap those of tensor "${previous.name}"`,
      );
    }
  }
}

function isNonNegativeInteger(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import fs from 'node:fs';
import { f32, type Tensor } from '@unmask/tensor';
import { decodeF32 } from './decode-f32';
import { SafetensorsError } from './errors';
import {
  MAX_HEADER_BYTES,
  parseHeader,
  type SafetensorsHeader,
  type TensorEntry,
  type TensorInfo,
} from './header';
import { readExactly } from './read-exactly';

/** Tensors read one at a time, on demand, straight from disk. */
export interface TensorReader {
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  readonly metadata: Readonly<Record<string, string>>;
  /** The tensor as float32 (F16, BF16 and F64 are converted); reads that tensor's bytes only. */
  readF32(name: string): Tensor;
  /** The tensor's bytes exactly as stored (little-endian, row-major). */
  readRaw(name: string): Uint8Array;
  close(): void;
}

export interface SafetensorsFile extends TensorReader {
  readonly path: string;
}

/**
 * Opens a .safetensors file and validates its header; tensor data stays on disk until read.
 * Throws SafetensorsError for any malformed or inconsistent header.
 */
export function openSafetensors(path: string): SafetensorsFile {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (error) {
    throw new SafetensorsError('io', path, undefined, `cannot open: ${(error as Error).message}`, error);
  }
  let header: SafetensorsHeader;
  try {
    header = readHeader(fd, path);
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
  let open = true;
  const entry = (name: string): TensorEntry => {
    if (!open) throw new SafetensorsError('io', path, name, 'the file was closed');
    const found = header.tensors.get(name);
    if (!found) throw new SafetensorsError('missing-tensor', path, name, 'no such tensor in this file');
    return found;
  };
  return {
    path,
    tensors: header.tensors,
    metadata: header.metadata,
    readF32(name) {
      const e = entry(name);
      return f32(
        e.shape,
        decodeF32(e, path, (bytes) => readExactly(fd, bytes, e.fileOffset, path, name)),
      );
    },
    readRaw(name) {
      const e = entry(name);
      const bytes = new Uint8Array(e.byteLength);
      readExactly(fd, bytes, e.fileOffset, path, name);
      return bytes;
    },
    close() {
      if (!open) return;
      open = false;
      fs.closeSync(fd);
    },
  };
}

function readHeader(fd: number, path: string): SafetensorsHeader {
  const fileSize = fs.fstatSync(fd).size;
  if (fileSize < 8) {
    throw new SafetensorsError(
      'header-length',
      path,
      undefined,
      `${fileSize} bytes is too short for the 8-byte header length`,
    );
  }
  const lengthBytes = Buffer.alloc(8);
  readExactly(fd, lengthBytes, 0, path);
  const headerLength = lengthBytes.readBigUInt64LE(0);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsError(
      'header-length',
      path,
      undefined,
      `header length ${headerLength} is over the ${MAX_HEADER_BYTES}-byte limit`,
    );
  }
  if (headerLength > BigInt(fileSize - 8)) {
    throw new SafetensorsError(
      'header-length',
      path,
      undefined,
      `header length ${headerLength} reaches past the end of the ${fileSize}-byte file`,
    );
  }
  const headerBytes = new Uint8Array(Number(headerLength));
  readExactly(fd, headerBytes, 8, path);
  const dataStart = 8 + headerBytes.length;
  return parseHeader(headerBytes, { file: path, dataStart, dataLength: fileSize - dataStart });
}

// A minimal protocol-buffers writer: just the wire types ONNX models use (varint, 32-bit, and
// length-delimited). Large byte payloads (weights) are kept as separate chunks and copied once, in
// `finish`, so baking a weight into a model costs one copy, not one per nesting level.

enum WireType {
  Varint = 0,
  Fixed32 = 5,
  LengthDelimited = 2,
}

/** Payloads at least this long are referenced, not copied into the scratch buffer. */
const CHUNK_THRESHOLD = 4096;

const TWO_POW_32 = 2 ** 32;

export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private scratch = new Uint8Array(256);
  private used = 0;
  private flushedLength = 0;

  /** Bytes written so far. */
  get length(): number {
    return this.flushedLength + this.used;
  }

  /** Field `field` as a varint: bool, enum, int32 and int64 values (negatives as 10-byte two's complement). */
  int(field: number, value: number): this {
    this.tag(field, WireType.Varint);
    this.varint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, WireType.Fixed32);
    this.reserve(4);
    new DataView(this.scratch.buffer).setFloat32(this.used, value, true);
    this.used += 4;
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WireType.LengthDelimited);
    this.varint(value.length);
    this.append(value);
    return this;
  }

  /** An embedded message, written by `write` into a fresh writer. */
  message(field: number, write: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    write(inner);
    this.tag(field, WireType.LengthDelimited);
    this.varint(inner.length);
    inner.flush();
    for (const chunk of inner.chunks) this.append(chunk);
    return this;
  }

  /** A packed repeated varint field (proto3's default for repeated scalars). */
  packedInts(field: number, values: readonly number[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  /** The encoded bytes, in one buffer. */
  finish(): Uint8Array {
    this.flush();
    if (this.chunks.length === 1) return this.chunks[0]!;
    const out = new Uint8Array(this.flushedLength);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  private tag(field: number, wire: WireType): void {
    this.varint(field * 8 + wire);
  }

  private varint(value: number): void {
    if (!Number.isSafeInteger(value)) throw new RangeError(`protobuf: ${value} is not a safe integer`);
    this.reserve(10);
    if (value < 0) {
      let v = BigInt.asUintN(64, BigInt(value));
      while (v >= 0x80n) {
        this.scratch[this.used++] = Number(v & 0x7fn) | 0x80;
        v >>= 7n;
      }
      this.scratch[this.used++] = Number(v);
      return;
    }
    let v = value;
    while (v >= 0x80) {
      this.scratch[this.used++] = (v % 0x80) | 0x80;
      v = v >= TWO_POW_32 ? Math.floor(v / 0x80) : v >>> 7;
    }
    this.scratch[this.used++] = v;
  }

  private append(bytes: Uint8Array): void {
    if (bytes.length >= CHUNK_THRESHOLD) {
      this.flush();
      this.chunks.push(bytes);
      this.flushedLength += bytes.length;
      return;
    }
    this.reserve(bytes.length);
    this.scratch.set(bytes, this.used);
    this.used += bytes.length;
  }

  private reserve(n: number): void {
    if (this.used + n <= this.scratch.length) return;
    const grown = new Uint8Array(Math.max(this.scratch.length * 2, this.used + n));
    grown.set(this.scratch.subarray(0, this.used));
    this.scratch = grown;
  }

  private flush(): void {
    if (this.used === 0) return;
    this.chunks.push(this.scratch.slice(0, this.used));
    this.flushedLength += this.used;
    this.used = 0;
  }
}

// A protobuf reader for the tests: decodes one message level into its fields, so a test can walk an
// encoded model by field number and check what our writer produced.

export type FieldValue = bigint | Uint8Array | number;

/** Field number -> values in order. Varints as bigint, length-delimited as bytes, fixed32 as a float. */
export function readFields(bytes: Uint8Array): Map<number, FieldValue[]> {
  const fields = new Map<number, FieldValue[]>();
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = bytes[pos++];
      if (byte === undefined) throw new Error('truncated varint');
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return result;
      shift += 7n;
    }
  };
  while (pos < bytes.length) {
    const tag = Number(varint());
    const field = tag >>> 3;
    let value: FieldValue;
    switch (tag & 7) {
      case 0:
        value = varint();
        break;
      case 2: {
        const length = Number(varint());
        value = bytes.subarray(pos, pos + length);
        if (value.length !== length) throw new Error('truncated field');
        pos += length;
        break;
      }
      case 5:
        value = new DataView(bytes.buffer, bytes.byteOffset + pos, 4).getFloat32(0, true);
        pos += 4;
        break;
      default:
        throw new Error(`unexpected wire type ${tag & 7}`);
    }
    const list = fields.get(field) ?? [];
    list.push(value);
    fields.set(field, list);
  }
  return fields;
}

/** The embedded messages of a field, decoded. */
export function messages(fields: Map<number, FieldValue[]>, field: number): Map<number, FieldValue[]>[] {
  return (fields.get(field) ?? []).map((v) => readFields(v as Uint8Array));
}

export function text(fields: Map<number, FieldValue[]>, field: number): string[] {
  return (fields.get(field) ?? []).map((v) => new TextDecoder().decode(v as Uint8Array));
}

export function int(fields: Map<number, FieldValue[]>, field: number): bigint | undefined {
  return fields.get(field)?.[0] as bigint | undefined;
}

/** Signed 64-bit value of a varint field (negatives are 10-byte two's complement). */
export function signed(value: bigint): bigint {
  return BigInt.asIntN(64, value);
}

/** The values of a packed repeated varint field. */
export function packed(fields: Map<number, FieldValue[]>, field: number): bigint[] {
  const out: bigint[] = [];
  for (const chunk of fields.get(field) ?? []) {
    const inner = readFields(prefixEach(chunk as Uint8Array));
    for (const v of inner.get(1) ?? []) out.push(v as bigint);
  }
  return out;
}

/** Turns a packed run of varints into a message of repeated field 1, so readFields can split it. */
function prefixEach(run: Uint8Array): Uint8Array {
  const out: number[] = [];
  let start = 0;
  for (let i = 0; i < run.length; i++) {
    if (run[i]! < 0x80) {
      out.push(0x08, ...run.subarray(start, i + 1));
      start = i + 1;
    }
  }
  return Uint8Array.from(out);
}

import { Tensor } from 'onnxruntime-common';
import { describe, expect, it } from 'vitest';
import { GraphBuilder, OPSET } from '../src/onnx/model';
import { ProtoWriter } from '../src/onnx/protobuf';
import { createSession } from '../src/session';
import { int, messages, packed, readFields, signed, text } from './proto-reader';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('ProtoWriter', () => {
  it('encodes varints, including 64-bit negatives as ten bytes', () => {
    expect(hex(new ProtoWriter().int(1, 1).finish())).toBe('0801');
    expect(hex(new ProtoWriter().int(1, 300).finish())).toBe('08ac02');
    expect(hex(new ProtoWriter().int(2, 2 ** 35).finish())).toBe('10808080808001');
    expect(hex(new ProtoWriter().int(1, -1).finish())).toBe('08ffffffffffffffffff01');
    expect(() => new ProtoWriter().int(1, 0.5)).toThrow(RangeError);
  });

  it('encodes floats, strings and packed ints', () => {
    expect(hex(new ProtoWriter().float(2, 1.5).finish())).toBe('150000c03f');
    expect(hex(new ProtoWriter().string(4, 'Add').finish())).toBe('2203416464');
    expect(hex(new ProtoWriter().packedInts(1, [3, 270]).finish())).toBe('0a03038e02');
  });

  it('length-prefixes nested messages, large payloads included', () => {
    const payload = new Uint8Array(10_000).fill(7);
    const bytes = new ProtoWriter()
      .int(1, 5)
      .message(2, (m) => m.string(1, 'inner').bytes(2, payload))
      .int(3, 6)
      .finish();
    const outer = readFields(bytes);
    expect(int(outer, 1)).toBe(5n);
    expect(int(outer, 3)).toBe(6n);
    const [inner] = messages(outer, 2);
    expect(text(inner!, 1)).toEqual(['inner']);
    expect(inner!.get(2)![0]).toEqual(payload);
  });
});

describe('ONNX model encoding', () => {
  function tinyModel(): Uint8Array {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', ['N', 3]);
    const bias = g.constant({ type: 'float32', dims: [3], data: Float32Array.from([1, 2, 3]) });
    const sum = g.node('Add', [x, bias]);
    g.output(g.node('Softmax', [sum], { axis: { int: -1 } }), 'y', 'float32', ['N', 3]);
    return g.toModel();
  }

  it('writes the ModelProto fields of onnx.proto', () => {
    const model = readFields(tinyModel());
    expect(int(model, 1)).toBe(8n); // ir_version
    const [opset] = messages(model, 8);
    expect(text(opset!, 1)).toEqual(['']); // default domain
    expect(int(opset!, 2)).toBe(BigInt(OPSET));

    const [graph] = messages(model, 7);
    const nodes = messages(graph!, 1);
    expect(nodes.map((n) => text(n, 4)[0])).toEqual(['Add', 'Softmax']);
    expect(text(nodes[1]!, 2)).toEqual(['y']); // the output value is named as the graph output
    const [axis] = messages(nodes[1]!, 5);
    expect(text(axis!, 1)).toEqual(['axis']);
    expect(signed(int(axis!, 3)!)).toBe(-1n);
    expect(int(axis!, 20)).toBe(2n); // AttributeType.INT

    const [initializer] = messages(graph!, 5);
    expect(packed(initializer!, 1)).toEqual([3n]); // dims
    expect(int(initializer!, 2)).toBe(1n); // FLOAT
    const raw = initializer!.get(9)![0] as Uint8Array;
    expect(Array.from(new Float32Array(raw.slice().buffer))).toEqual([1, 2, 3]);

    const [input] = messages(graph!, 11);
    expect(text(input!, 1)).toEqual(['x']);
    const [type] = messages(input!, 2);
    const [tensorType] = messages(type!, 1);
    expect(int(tensorType!, 1)).toBe(1n);
    const [shape] = messages(tensorType!, 2);
    const [n, three] = messages(shape!, 1);
    expect(text(n!, 2)).toEqual(['N']); // dim_param: symbolic
    expect(int(three!, 1)).toBe(3n); // dim_value
    expect(text(messages(graph!, 12)[0]!, 1)).toEqual(['y']);
  });

  it('loads and runs in onnxruntime, one session for every N', () => {
    const session = createSession(tinyModel(), { intraOpNumThreads: 1, allowSpinning: false });
    for (const rows of [1, 4]) {
      const x = new Tensor('float32', new Float32Array(rows * 3), [rows, 3]);
      const y = session.run({ x }).y!;
      expect(y.dims).toEqual([rows, 3]);
      const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
      const total = e[0]! + e[1]! + e[2]!;
      for (let i = 0; i < rows * 3; i++)
        expect((y.data as Float32Array)[i]).toBeCloseTo(e[i % 3]! / total, 6);
    }
    session.dispose();
  });
});

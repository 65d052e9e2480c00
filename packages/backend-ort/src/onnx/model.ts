// ONNX ModelProto encoding and a small graph builder. Field numbers are those of onnx.proto
// (github.com/onnx/onnx/blob/main/onnx/onnx.proto).
import { ProtoWriter } from './protobuf';

/**
 * Default-domain opset of the graphs we build: the lowest that has everything we use (Split's
 * num_outputs and Reduce* axes as inputs arrived in 18).
 */
export const OPSET = 18;

/** The IR version that introduced `opset` (onnx/helper.py's VERSION_TABLE). */
function irVersionFor(opset: number): number {
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  if (opset <= 22) return 10;
  return 11;
}

export type ElementType = 'float32' | 'int32' | 'int64' | 'bool';

/** TensorProto.DataType */
export const DATA_TYPE: Record<ElementType, number> = { float32: 1, int32: 6, int64: 7, bool: 9 };

/** A dim is a size or the name of a symbolic dim (one session serves every size). */
export type Dim = number | string;

export type TensorData = Float32Array | Int32Array | BigInt64Array | Uint8Array;

export interface ConstantTensor {
  type: ElementType;
  dims: readonly number[];
  data: TensorData;
}

/** An attribute value; the wrapper says which ONNX attribute type it has. */
export type Attribute = { int: number } | { float: number } | { ints: readonly number[] };

interface ValueInfo {
  name: string;
  type: ElementType;
  /** Undefined: shape not declared. */
  dims?: readonly Dim[];
}

interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes: Readonly<Record<string, Attribute>>;
}

interface Initializer extends ConstantTensor {
  name: string;
}

/** Builds one graph; value names are generated unless given. */
export class GraphBuilder {
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly nodes: NodeSpec[] = [];
  private readonly initializers: Initializer[] = [];
  private counter = 0;

  /** Declares a graph input (a feed name) and returns its value name. */
  input(name: string, type: ElementType, dims: readonly Dim[]): string {
    this.inputs.push({ name, type, dims });
    return name;
  }

  /** Declares `value` a graph output under `name` (the fetch name). */
  output(value: string, name: string, type: ElementType, dims?: readonly Dim[]): void {
    // Rename the value where a node produces it: an Identity node could cost a copy of the output.
    if (this.nodes.some((n) => n.outputs.includes(value))) {
      for (const node of this.nodes) {
        for (const list of [node.inputs, node.outputs]) {
          for (let i = 0; i < list.length; i++) if (list[i] === value) list[i] = name;
        }
      }
    } else {
      this.node('Identity', [value], {}, name);
    }
    this.outputs.push({ name, type, dims });
  }

  /** A constant baked into the model (prepacked by onnxruntime when a kernel can). */
  constant(tensor: ConstantTensor, name = this.fresh('c')): string {
    this.initializers.push({ ...tensor, name });
    return name;
  }

  /** Shorthand for an int64 constant, the type shape-like ONNX inputs take. */
  int64s(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.constant({ type: 'int64', dims, data: BigInt64Array.from(values, BigInt) });
  }

  /** Shorthand for a float32 scalar (or shaped) constant. */
  floats(values: readonly number[], dims: readonly number[] = []): string {
    return this.constant({ type: 'float32', dims, data: Float32Array.from(values) });
  }

  /** Adds a node with one output and returns the output's name. */
  node(
    op: string,
    inputs: readonly string[],
    attributes: Record<string, Attribute> = {},
    output?: string,
  ): string {
    return this.nodeN(op, inputs, 1, attributes, output === undefined ? undefined : [output])[0]!;
  }

  /** Adds a node with `count` outputs; an empty input name means an omitted optional input. */
  nodeN(
    op: string,
    inputs: readonly string[],
    count: number,
    attributes: Record<string, Attribute> = {},
    outputs: readonly string[] = Array.from({ length: count }, () => this.fresh(op)),
  ): string[] {
    this.nodes.push({ op, inputs: [...inputs], outputs: [...outputs], attributes });
    return [...outputs];
  }

  /** The serialized ModelProto, importing the default domain at `opset`. */
  toModel(opset = OPSET): Uint8Array {
    const w = new ProtoWriter();
    w.int(1, irVersionFor(opset));
    w.string(2, 'unmask');
    w.message(7, (g) => this.writeGraph(g));
    w.message(8, (o) => o.string(1, '').int(2, opset));
    return w.finish();
  }

  private fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  private writeGraph(w: ProtoWriter): void {
    for (const node of this.nodes) w.message(1, (n) => writeNode(n, node));
    w.string(2, 'graph');
    for (const init of this.initializers) w.message(5, (t) => writeTensor(t, init, init.name));
    for (const input of this.inputs) w.message(11, (v) => writeValueInfo(v, input));
    for (const output of this.outputs) w.message(12, (v) => writeValueInfo(v, output));
  }
}

function writeNode(w: ProtoWriter, node: NodeSpec): void {
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  w.string(4, node.op);
  for (const [name, value] of Object.entries(node.attributes))
    w.message(5, (a) => writeAttribute(a, name, value));
}

/** AttributeProto.AttributeType */
enum AttributeType {
  Float = 1,
  Int = 2,
  String = 3,
  Tensor = 4,
  Ints = 7,
}

function writeAttribute(w: ProtoWriter, name: string, value: Attribute): void {
  w.string(1, name);
  if ('int' in value) w.int(3, value.int).int(20, AttributeType.Int);
  else if ('float' in value) w.float(2, value.float).int(20, AttributeType.Float);
  else w.packedInts(8, value.ints).int(20, AttributeType.Ints);
}

function writeTensor(w: ProtoWriter, tensor: ConstantTensor, name?: string): void {
  w.packedInts(1, tensor.dims);
  w.int(2, DATA_TYPE[tensor.type]);
  if (name !== undefined) w.string(8, name);
  // raw_data is little-endian, the byte order of every platform onnxruntime-node ships for.
  const { data } = tensor;
  w.bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

function writeValueInfo(w: ProtoWriter, info: ValueInfo): void {
  w.string(1, info.name);
  w.message(2, (type) =>
    type.message(1, (tensorType) => {
      tensorType.int(1, DATA_TYPE[info.type]);
      const { dims } = info;
      if (dims === undefined) return;
      tensorType.message(2, (shape) => {
        for (const dim of dims) {
          shape.message(1, (d) => (typeof dim === 'number' ? d.int(1, dim) : d.string(2, dim)));
        }
      });
    }),
  );
}

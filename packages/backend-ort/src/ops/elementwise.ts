import { numel, opShapes } from '@unmask/tensor';
import type { Tensor } from 'onnxruntime-common';
import type { OrtContext } from '../context';
import { GraphBuilder } from '../onnx/model';
import { view, zerosF32 } from '../tensors';

export function add(ctx: OrtContext, a: Tensor, b: Tensor): Tensor {
  return broadcast(ctx, 'add', 'Add', a, b);
}

export function mul(ctx: OrtContext, a: Tensor, b: Tensor): Tensor {
  return broadcast(ctx, 'mul', 'Mul', a, b);
}

/** b has a's trailing dims, so a is [rows, period] and b [period]: one graph serves every shape. */
function broadcast(ctx: OrtContext, op: string, onnxOp: string, a: Tensor, b: Tensor): Tensor {
  const { out, period } = opShapes.broadcastShape(op, a, b);
  if (numel(out) === 0) return zerosF32(out);
  const session = ctx.sessions.get(op, () => {
    const g = new GraphBuilder();
    const y = g.node(onnxOp, [g.input('a', 'float32', ['R', 'P']), g.input('b', 'float32', ['P'])]);
    g.output(y, 'y', 'float32', ['R', 'P']);
    return g;
  });
  return view(session.run({ a: view(a, [a.size / period, period]), b: view(b, [period]) }).y!, out);
}

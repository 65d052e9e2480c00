import { opShapes } from '@unmask/tensor';
import type { Tensor } from 'onnxruntime-common';
import type { OrtContext } from '../context';
import { GraphBuilder } from '../onnx/model';
import { view, zerosF32 } from '../tensors';

export function softmax(ctx: OrtContext, x: Tensor): Tensor {
  return lastAxis(ctx, 'softmax', 'Softmax', x);
}

export function logSoftmax(ctx: OrtContext, x: Tensor): Tensor {
  return lastAxis(ctx, 'logSoftmax', 'LogSoftmax', x);
}

function lastAxis(ctx: OrtContext, op: string, onnxOp: string, x: Tensor): Tensor {
  const { rows, n } = opShapes.lastAxisShape(op, x);
  if (x.size === 0) return zerosF32(x.dims);
  const session = ctx.sessions.get(op, () => {
    const g = new GraphBuilder();
    const y = g.node(onnxOp, [g.input('x', 'float32', ['R', 'N'])], { axis: { int: -1 } });
    g.output(y, 'y', 'float32', ['R', 'N']);
    return g;
  });
  return view(session.run({ x: view(x, [rows, n]) }).y!, x.dims);
}

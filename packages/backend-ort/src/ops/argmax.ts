import { numel, opShapes } from '@unmask/tensor';
import { Tensor } from 'onnxruntime-common';
import type { OrtContext } from '../context';
import { DATA_TYPE, GraphBuilder } from '../onnx/model';
import { view } from '../tensors';

/** ArgMax over the last axis; select_last_index=0 keeps the first of equal maxima. */
export function argmax(ctx: OrtContext, x: Tensor): Tensor {
  const { out, rows, n } = opShapes.argmaxShape(x);
  if (numel(out) === 0) return new Tensor('int32', new Int32Array(0), out);
  const session = ctx.sessions.get('argmax', () => {
    const g = new GraphBuilder();
    const index = g.node('ArgMax', [g.input('x', 'float32', ['R', 'N'])], {
      axis: { int: -1 },
      keepdims: { int: 0 },
      select_last_index: { int: 0 },
    });
    g.output(g.node('Cast', [index], { to: { int: DATA_TYPE.int32 } }), 'y', 'int32', ['R']);
    return g;
  });
  return view(session.run({ x: view(x, [rows, n]) }).y!, out);
}

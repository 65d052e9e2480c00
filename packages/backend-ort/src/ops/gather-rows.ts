import { numel, opShapes } from '@unmask/tensor';
import type { Tensor } from 'onnxruntime-common';
import type { OrtContext } from '../context';
import { GraphBuilder } from '../onnx/model';
import { view, zerosF32 } from '../tensors';

/** x viewed as [outer, N, D]; Gather on axis 1. */
export function gatherRows(ctx: OrtContext, x: Tensor, rows: Tensor): Tensor {
  const { out, outer, n, d } = opShapes.gatherRowsShape(x, rows);
  if (numel(out) === 0) return zerosF32(out);
  const session = ctx.sessions.get('gatherRows', () => {
    const g = new GraphBuilder();
    const x3 = g.input('x', 'float32', ['B', 'N', 'D']);
    const picked = g.node('Gather', [x3, g.input('rows', 'int32', ['R'])], { axis: { int: 1 } });
    g.output(picked, 'y', 'float32', ['B', 'R', 'D']);
    return g;
  });
  return view(session.run({ x: view(x, [outer, n, d]), rows }).y!, out);
}

import { numel, opShapes } from '@unmask/tensor';
import type { Tensor } from 'onnxruntime-common';
import type { OrtContext } from '../context';
import { GraphBuilder } from '../onnx/model';
import { view, zerosF32 } from '../tensors';

/** Norms below this are clamped, as the Backend interface specifies. */
const EPS = 1e-8;

/** a·b / (max(|a|, eps) * max(|b|, eps)) per row of [rows, D]. */
export function cosineRows(ctx: OrtContext, a: Tensor, b: Tensor): Tensor {
  const { out, rows, d } = opShapes.cosineRowsShape(a, b);
  if (numel(out) === 0 || d === 0) return zerosF32(out);
  const session = ctx.sessions.get('cosineRows', () => {
    const g = new GraphBuilder();
    const x = g.input('a', 'float32', ['R', 'D']);
    const y = g.input('b', 'float32', ['R', 'D']);
    const lastAxis = g.int64s([-1]);
    const noKeep = { keepdims: { int: 0 } };
    const dot = g.node('ReduceSum', [g.node('Mul', [x, y]), lastAxis], noKeep);
    const eps = g.floats([EPS]);
    const normA = g.node('Max', [g.node('ReduceL2', [x, lastAxis], noKeep), eps]);
    const normB = g.node('Max', [g.node('ReduceL2', [y, lastAxis], noKeep), eps]);
    g.output(g.node('Div', [dot, g.node('Mul', [normA, normB])]), 'y', 'float32', ['R']);
    return g;
  });
  return view(session.run({ a: view(a, [rows, d]), b: view(b, [rows, d]) }).y!, out);
}

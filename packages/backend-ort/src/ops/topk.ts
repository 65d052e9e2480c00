import { numel, opShapes } from '@unmask/tensor';
import { Tensor } from 'onnxruntime-common';
import type { OrtContext } from '../context';
import { DATA_TYPE, GraphBuilder } from '../onnx/model';
import { view, zerosF32 } from '../tensors';

/**
 * TopK over the last axis, sorted, largest first. onnxruntime's CPU TopK orders equal values by
 * ascending index, as the interface requires (pinned by a test). k is an input: one session for all k.
 */
export function topk(ctx: OrtContext, x: Tensor, k: number): { values: Tensor; indices: Tensor } {
  const { out, rows, n } = opShapes.topkShape(x, k);
  if (numel(out) === 0)
    return { values: zerosF32(out), indices: new Tensor('int32', new Int32Array(0), out) };
  const session = ctx.sessions.get('topk', () => {
    const g = new GraphBuilder();
    const input = g.input('x', 'float32', ['R', 'N']);
    const [values, indices] = g.nodeN('TopK', [input, g.input('k', 'int64', [1])], 2, {
      axis: { int: -1 },
      largest: { int: 1 },
      sorted: { int: 1 },
    }) as [string, string];
    g.output(values, 'values', 'float32', ['R', 'K']);
    g.output(g.node('Cast', [indices], { to: { int: DATA_TYPE.int32 } }), 'indices', 'int32', ['R', 'K']);
    return g;
  });
  const result = session.run({
    x: view(x, [rows, n]),
    k: new Tensor('int64', BigInt64Array.of(BigInt(k)), [1]),
  });
  return { values: view(result.values!, out), indices: view(result.indices!, out) };
}

import { numel, opShapes } from '@unmask/tensor';
import type { Tensor } from 'onnxruntime-common';
import type { OrtContext } from '../context';
import { GraphBuilder } from '../onnx/model';
import { view, zerosF32 } from '../tensors';

/**
 * Gather rows of the table. The table stays a graph input: Gather has nothing to prepack, and a
 * vocabulary table is the largest tensor of a model, too large to hold twice.
 */
export function embedding(ctx: OrtContext, ids: Tensor, table: Tensor): Tensor {
  const { out } = opShapes.embeddingShape(ids, table);
  if (numel(out) === 0) return zerosF32(out);
  const session = ctx.sessions.get('embedding', () => {
    const g = new GraphBuilder();
    const rows = g.node('Gather', [g.input('table', 'float32', ['V', 'D']), g.input('ids', 'int32', ['N'])]);
    g.output(rows, 'y', 'float32', ['N', 'D']);
    return g;
  });
  return view(session.run({ table, ids: view(ids, [ids.size]) }).y!, out);
}

import { opShapes } from '@unmask/tensor';
import { Tensor } from 'onnxruntime-common';
import type { OrtContext } from '../context';
import { GraphBuilder } from '../onnx/model';
import { view } from '../tensors';

/**
 * x viewed as [outer*N, D] and src as [outer*R, D]: ScatterND replaces whole rows given their flat
 * row numbers (outer*R indices, computed here: cheap next to the rows themselves).
 */
export function scatterRows(ctx: OrtContext, x: Tensor, rows: Tensor, src: Tensor): Tensor {
  const { outer, n, d, r } = opShapes.scatterRowsShape(x, rows, src);
  if (src.size === 0) return new Tensor('float32', (x.data as Float32Array).slice(), x.dims);
  const targets = rows.data as Int32Array;
  const flat = new BigInt64Array(outer * r);
  for (let block = 0; block < outer; block++) {
    for (let i = 0; i < r; i++) flat[block * r + i] = BigInt(block * n + targets[i]!);
  }
  const session = ctx.sessions.get('scatterRows', () => {
    const g = new GraphBuilder();
    const data = g.input('x', 'float32', ['N', 'D']);
    const indices = g.input('indices', 'int64', ['R', 1]);
    const y = g.node('ScatterND', [data, indices, g.input('src', 'float32', ['R', 'D'])]);
    g.output(y, 'y', 'float32', ['N', 'D']);
    return g;
  });
  const feeds = {
    x: view(x, [outer * n, d]),
    indices: new Tensor('int64', flat, [outer * r, 1]),
    src: view(src, [outer * r, d]),
  };
  return view(session.run(feeds).y!, x.dims);
}

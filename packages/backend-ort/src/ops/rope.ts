import { opShapes } from '@unmask/tensor';
import { Tensor } from 'onnxruntime-common';
import type { OrtContext } from '../context';
import { GraphBuilder } from '../onnx/model';
import { view, zerosF32 } from '../tensors';
import { ropeCosSin } from './rope-tables';

/** Half rotation: out = [x1 cos - x2 sin, x2 cos + x1 sin] with x = [x1, x2] split at D/2. */
export function rope(ctx: OrtContext, x: Tensor, positions: Tensor, theta: number): Tensor {
  const { batch, s, h, d } = opShapes.ropeShape(x, positions);
  if (x.size === 0) return zerosF32(x.dims);
  const half = d / 2;
  const { cos, sin } = ropeCosSin(positions.data as Int32Array, theta, d);
  const session = ctx.sessions.get('rope', ropeGraph);
  const feeds = {
    x: view(x, [batch, s, h, d]),
    cos: new Tensor('float32', cos, [s, 1, half]),
    sin: new Tensor('float32', sin, [s, 1, half]),
  };
  return view(session.run(feeds).y!, x.dims);
}

function ropeGraph(): GraphBuilder {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', ['B', 'S', 'H', 'D']);
  const cos = g.input('cos', 'float32', ['S', 1, 'half']);
  const sin = g.input('sin', 'float32', ['S', 1, 'half']);
  const [x1, x2] = g.nodeN('Split', [x], 2, { axis: { int: 3 }, num_outputs: { int: 2 } }) as [
    string,
    string,
  ];
  const y1 = g.node('Sub', [g.node('Mul', [x1, cos]), g.node('Mul', [x2, sin])]);
  const y2 = g.node('Add', [g.node('Mul', [x2, cos]), g.node('Mul', [x1, sin])]);
  g.output(g.node('Concat', [y1, y2], { axis: { int: 3 } }), 'y', 'float32', ['B', 'S', 'H', 'D']);
  return g;
}

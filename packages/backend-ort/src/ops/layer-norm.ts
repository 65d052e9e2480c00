import { opShapes } from '@unmask/tensor';
import type { Tensor } from 'onnxruntime-common';
import type { OrtContext } from '../context';
import { GraphBuilder } from '../onnx/model';
import { view, zerosF32 } from '../tensors';

export function layerNorm(
  ctx: OrtContext,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | undefined,
  eps: number,
): Tensor {
  const { rows, d } = opShapes.normShape('layerNorm', x, weight, bias);
  if (x.size === 0) return zerosF32(x.dims);
  const session = ctx.sessions.get(`layerNorm:${bias ? 'bias' : 'nobias'}:${eps}`, () => {
    const g = new GraphBuilder();
    const inputs = [g.input('x', 'float32', ['R', 'D']), g.input('weight', 'float32', ['D'])];
    if (bias) inputs.push(g.input('bias', 'float32', ['D']));
    const y = g.node('LayerNormalization', inputs, { axis: { int: -1 }, epsilon: { float: eps } });
    g.output(y, 'y', 'float32', ['R', 'D']);
    return g;
  });
  const feeds: Record<string, Tensor> = { x: view(x, [rows, d]), weight };
  if (bias) feeds.bias = bias;
  return view(session.run(feeds).y!, x.dims);
}

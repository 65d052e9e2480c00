import { numel, opShapes } from '@unmask/tensor';
import type { Tensor } from 'onnxruntime-common';
import type { OrtContext } from '../context';
import { GraphBuilder } from '../onnx/model';
import { view, zerosF32 } from '../tensors';

export function silu(ctx: OrtContext, x: Tensor): Tensor {
  opShapes.lastAxisShape('silu', x);
  if (x.size === 0) return zerosF32(x.dims);
  const session = ctx.sessions.get('silu', () => {
    const g = new GraphBuilder();
    const input = g.input('x', 'float32', ['N']);
    g.output(g.node('Mul', [input, g.node('Sigmoid', [input])]), 'y', 'float32', ['N']);
    return g;
  });
  return view(session.run({ x: view(x, [x.size]) }).y!, x.dims);
}

export function swiglu(ctx: OrtContext, gate: Tensor, up: Tensor): Tensor {
  const dims = opShapes.swigluShape(gate, up);
  if (numel(dims) === 0) return zerosF32(dims);
  const session = ctx.sessions.get('swiglu', () => {
    const g = new GraphBuilder();
    const gateIn = g.input('gate', 'float32', ['N']);
    const activated = g.node('Mul', [gateIn, g.node('Sigmoid', [gateIn])]);
    g.output(g.node('Mul', [activated, g.input('up', 'float32', ['N'])]), 'y', 'float32', ['N']);
    return g;
  });
  return view(session.run({ gate: view(gate, [gate.size]), up: view(up, [up.size]) }).y!, dims);
}

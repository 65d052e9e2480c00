import { numel, opShapes } from '@unmask/tensor';
import { Tensor } from 'onnxruntime-common';
import type { OrtContext } from '../context';
import { GraphBuilder } from '../onnx/model';
import { view, zerosF32 } from '../tensors';

/**
 * y = x W^T + bias as one Gemm (transB=1) over all rows of x. From its second use on several rows, a
 * weight is baked into its own session, where onnxruntime prepacks it (BakedWeights explains when).
 */
export function linear(ctx: OrtContext, x: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  const { out, rows, inFeatures, outFeatures } = opShapes.linearShape(x, weight, bias);
  if (numel(out) === 0) return zerosF32(out);
  if (inFeatures === 0) return bias ? repeatRows(bias, rows, out) : zerosF32(out);
  const x2 = view(x, [rows, inFeatures]);
  const baked = ctx.weights.session('linear', weight, [bias], rows, () =>
    linearGraph(outFeatures, inFeatures, { weight, bias }),
  );
  if (baked) return view(baked.run({ x: x2 }).y!, out);
  const session = ctx.sessions.get(`linear:${bias ? 'bias' : 'nobias'}`, () =>
    linearGraph(outFeatures, inFeatures, { bias }),
  );
  const feeds: Record<string, Tensor> = { x: x2, weight };
  if (bias) feeds.bias = bias;
  return view(session.run(feeds).y!, out);
}

/**
 * With `weight` given, the weight (and bias) are initializers with static dims; otherwise they are
 * inputs with symbolic dims, and `bias` only says whether there is one.
 */
function linearGraph(
  outFeatures: number,
  inFeatures: number,
  constants: { weight?: Tensor; bias?: Tensor | undefined },
): GraphBuilder {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', ['M', constants.weight ? inFeatures : 'K']);
  const { weight, bias } = constants;
  const w = weight
    ? g.constant({ type: 'float32', dims: [outFeatures, inFeatures], data: weight.data as Float32Array })
    : g.input('weight', 'float32', ['N', 'K']);
  const inputs = [x, w];
  if (bias) {
    inputs.push(
      weight
        ? g.constant({ type: 'float32', dims: [outFeatures], data: bias.data as Float32Array })
        : g.input('bias', 'float32', ['N']),
    );
  }
  g.output(g.node('Gemm', inputs, { transB: { int: 1 } }), 'y', 'float32', ['M', weight ? outFeatures : 'N']);
  return g;
}

function repeatRows(row: Tensor, rows: number, dims: readonly number[]): Tensor {
  const src = row.data as Float32Array;
  const data = new Float32Array(rows * src.length);
  for (let r = 0; r < rows; r++) data.set(src, r * src.length);
  return new Tensor('float32', data, dims);
}

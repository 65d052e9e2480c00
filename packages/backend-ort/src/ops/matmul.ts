import { numel, opShapes } from '@unmask/tensor';
import type { Tensor } from 'onnxruntime-common';
import type { OrtContext } from '../context';
import { GraphBuilder } from '../onnx/model';
import { view, zerosF32 } from '../tensors';

/**
 * a [..., M, K] x b. A shared rank-2 b multiplies all rows of a at once ([batch*M, K], one GEMM);
 * otherwise batches go to one batched MatMul. Transposed b: Gemm transB for the shared case,
 * Transpose + MatMul (fused by onnxruntime into one kernel) for the batched one.
 */
export function matmul(
  ctx: OrtContext,
  a: Tensor,
  b: Tensor,
  options: { transposeB?: boolean } = {},
): Tensor {
  const transposeB = options.transposeB ?? false;
  const { out, batch, m, k, n, sharedB } = opShapes.matmulShape(a, b, transposeB);
  if (numel(out) === 0 || k === 0) return zerosF32(out);
  const signature = `matmul:${sharedB ? 'shared' : 'batched'}:${transposeB ? 'bT' : 'b'}`;
  const session = ctx.sessions.get(signature, () => matmulGraph(sharedB, transposeB));
  const feeds = sharedB
    ? { a: view(a, [batch * m, k]), b }
    : { a: view(a, [batch, m, k]), b: view(b, transposeB ? [batch, n, k] : [batch, k, n]) };
  return view(session.run(feeds).y!, out);
}

function matmulGraph(sharedB: boolean, transposeB: boolean): GraphBuilder {
  const g = new GraphBuilder();
  if (sharedB) {
    const a = g.input('a', 'float32', ['M', 'K']);
    const b = g.input('b', 'float32', transposeB ? ['N', 'K'] : ['K', 'N']);
    const y = transposeB ? g.node('Gemm', [a, b], { transB: { int: 1 } }) : g.node('MatMul', [a, b]);
    g.output(y, 'y', 'float32', ['M', 'N']);
    return g;
  }
  const a = g.input('a', 'float32', ['B', 'M', 'K']);
  const b = g.input('b', 'float32', transposeB ? ['B', 'N', 'K'] : ['B', 'K', 'N']);
  const bk = transposeB ? g.node('Transpose', [b], { perm: { ints: [0, 2, 1] } }) : b;
  g.output(g.node('MatMul', [a, bk]), 'y', 'float32', ['B', 'M', 'N']);
  return g;
}

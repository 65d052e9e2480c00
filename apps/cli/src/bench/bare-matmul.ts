import { createSession, GraphBuilder } from '@unmask/backend-ort';
import type { Tensor } from '@unmask/tensor';

/**
 * The yardstick: one onnxruntime session holding a single MatMul node, both operands fed as inputs,
 * run through the same synchronous binding the backend uses, with onnxruntime's default thread
 * spinning on (its fastest setting for one session alone). Returns a function running it once.
 */
export function bareMatmul(a: Tensor, b: Tensor, intraOpNumThreads: number): () => void {
  const g = new GraphBuilder();
  const y = g.node('MatMul', [g.input('a', 'float32', ['M', 'K']), g.input('b', 'float32', ['K', 'N'])]);
  g.output(y, 'y', 'float32', ['M', 'N']);
  const session = createSession(g.toModel(), { intraOpNumThreads, allowSpinning: true });
  return () => session.run({ a, b });
}

import type { Tensor } from '@unmask/tensor';
import { ops, type Tape, type Variable } from '@unmask/train';
import type { StageConfig } from '../config';
import { causalMask, positionRange } from '../stack';
import type { BlockParameters } from './parameters';

/** What a stack's blocks read besides their weights. */
export interface StackSettings {
  stage: StageConfig;
  ropeTheta: number;
  normEps: number;
}

/**
 * `CausalStack.forward` on the tape: pre-norm blocks (RMSNorm, RoPE, grouped-query attention under a
 * causal mask, SwiGLU) over x [B, S, W] at positions 0..S-1, op for op as `TransformerBlock`.
 */
export function causalStackForward(
  tape: Tape,
  blocks: readonly BlockParameters[],
  x: Variable,
  settings: StackSettings,
): Variable {
  const length = x.dims[1]!;
  const positions = positionRange(length);
  const mask = causalMask(length);
  let out = x;
  for (const block of blocks) out = blockForward(tape, block, out, positions, mask, settings);
  return out;
}

function blockForward(
  tape: Tape,
  w: BlockParameters,
  x: Variable,
  positions: Tensor,
  mask: Tensor,
  { stage, ropeTheta, normEps }: StackSettings,
): Variable {
  const { numHeads, numKvHeads, headDim } = stage;
  const [b, s] = x.dims as [number, number];
  const h = ops.rmsNorm(tape, x, w.attnNorm, normEps);
  const [qFlat, kFlat, vFlat] = ops.linears(tape, h, [w.q, w.k, w.v]) as [Variable, Variable, Variable];
  const q = ops.rope(tape, ops.reshape(tape, qFlat, [b, s, numHeads, headDim]), positions, ropeTheta);
  const k = ops.rope(tape, ops.reshape(tape, kFlat, [b, s, numKvHeads, headDim]), positions, ropeTheta);
  const v = ops.reshape(tape, vFlat, [b, s, numKvHeads, headDim]);
  const attended = ops.maskedAttention(tape, q, k, v, mask);
  const afterAttention = ops.add(
    tape,
    x,
    ops.linear(tape, ops.reshape(tape, attended, [b, s, numHeads * headDim]), w.out),
  );
  const h2 = ops.rmsNorm(tape, afterAttention, w.ffNorm, normEps);
  const [gate, up] = ops.linears(tape, h2, [w.gate, w.up]) as [Variable, Variable];
  return ops.add(tape, afterAttention, ops.linear(tape, ops.swiglu(tape, gate, up), w.down));
}

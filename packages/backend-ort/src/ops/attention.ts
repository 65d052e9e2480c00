import { type AttentionOptions, opShapes } from '@unmask/tensor';
import type { Tensor } from 'onnxruntime-common';
import type { OrtContext } from '../context';
import { GraphBuilder } from '../onnx/model';
import { view, zerosF32 } from '../tensors';

interface AttentionVariant {
  hq: number;
  hkv: number;
  d: number;
  scale: number;
  causal: boolean;
  kvHeadMajor: boolean;
  mask: 'none' | 'bool' | 'float';
  /** 2: [Sq, Sk]; 4: [B, 1 | Hq, Sq, Sk]. */
  maskRank: 2 | 4;
  /** Some query row may see no key: zero its output (softmax of an all -inf row is NaN). */
  guardEmptyRows: boolean;
}

/**
 * One graph: q heads grouped under their KV head as [B, Hkv, G*Sq, D] so GQA needs no copy of K/V,
 * scores viewed as [B, Hq, Sq, Sk] for the masks, softmax, then back through the same grouping.
 */
export function attention(
  ctx: OrtContext,
  q: Tensor,
  k: Tensor,
  v: Tensor,
  options: AttentionOptions = {},
): Tensor {
  const { b, sq, sk, hq, hkv, d, scale } = opShapes.attentionShape(q, k, v, options);
  if (q.size === 0 || sk === 0) return zerosF32(q.dims);
  const { mask, causal = false, kvHeadMajor = false } = options;
  const variant: AttentionVariant = {
    hq,
    hkv,
    d,
    scale,
    causal,
    kvHeadMajor,
    mask: mask === undefined ? 'none' : mask.type === 'bool' ? 'bool' : 'float',
    maskRank: mask === undefined || mask.dims.length === 2 ? 2 : 4,
    guardEmptyRows: mask !== undefined || (causal && sq > sk),
  };
  const signature = `attention:${Object.values(variant).join(':')}`;
  const session = ctx.sessions.get(signature, () => attentionGraph(variant));
  const feeds: Record<string, Tensor> = { q, k, v };
  if (mask) feeds.mask = mask.dims.length === 3 ? view(mask, [b, 1, sq, sk]) : mask;
  return session.run(feeds).y!;
}

function attentionGraph(variant: AttentionVariant): GraphBuilder {
  const { hq, hkv, d, scale } = variant;
  const group = hq / hkv;
  const g = new GraphBuilder();
  const q = g.input('q', 'float32', ['B', 'Sq', hq, d]);
  const kvDims = variant.kvHeadMajor ? ['B', hkv, 'Sk', d] : ['B', 'Sk', hkv, d];
  const k = g.input('k', 'float32', kvDims);
  const v = g.input('v', 'float32', kvDims);

  const scaled = g.node('Mul', [q, g.floats([scale])]);
  const split = g.node('Reshape', [scaled, g.int64s([0, 0, hkv, group, d])]);
  const grouped = g.node('Transpose', [split], { perm: { ints: [0, 2, 3, 1, 4] } });
  const qh = g.node('Reshape', [grouped, g.int64s([0, 0, -1, d])]);
  let kt: string;
  let vh: string;
  if (variant.kvHeadMajor) {
    // Head-major K/V are read in place: onnxruntime folds the last-two-dims Transpose into the
    // MatMul, so neither is copied (few queries over a long cache: 2.6 ms instead of 6.8 for 8
    // queries over 2080 keys, 16 heads of 64; bench/attention-layout.ts).
    kt = g.node('Transpose', [k], { perm: { ints: [0, 1, 3, 2] } });
    vh = v;
  } else if (hkv === 1) {
    // One KV head: [B, Sk, 1, D] is already [B, 1, Sk, D] in memory, so K and V are only viewed.
    kt = g.node('Transpose', [g.node('Reshape', [k, g.int64s([0, 1, -1, d])])], {
      perm: { ints: [0, 1, 3, 2] },
    });
    vh = g.node('Reshape', [v, g.int64s([0, 1, -1, d])]);
  } else {
    kt = g.node('Transpose', [k], { perm: { ints: [0, 2, 3, 1] } });
    vh = g.node('Transpose', [v], { perm: { ints: [0, 2, 1, 3] } });
  }

  let scores = g.node('Reshape', [g.node('MatMul', [qh, kt]), g.int64s([0, hq, -1, 0])]);
  const visible = visibility(g, variant, q, k);
  if (variant.mask === 'float') scores = g.node('Add', [scores, maskInput(g, variant, 'float32')]);
  if (visible) scores = g.node('Where', [visible, scores, g.floats([Number.NEGATIVE_INFINITY])]);
  const weights = g.node('Softmax', [scores], { axis: { int: -1 } });

  const perKvHead = g.node('Reshape', [weights, g.int64s([0, hkv, -1, 0])]);
  let out = g.node('Reshape', [g.node('MatMul', [perKvHead, vh]), g.int64s([0, hq, -1, d])]);
  if (variant.guardEmptyRows) {
    const rowMax = g.node('ReduceMax', [scores, g.int64s([-1])], { keepdims: { int: 1 } });
    const seesAKey = g.node('Greater', [rowMax, g.floats([Number.NEGATIVE_INFINITY])]);
    out = g.node('Where', [seesAKey, out, g.floats([0])]);
  }
  g.output(g.node('Transpose', [out], { perm: { ints: [0, 2, 1, 3] } }), 'y', 'float32', ['B', 'Sq', hq, d]);
  return g;
}

/** The bool "may attend" tensor from causality and a bool mask, or undefined when all keys are visible. */
function visibility(g: GraphBuilder, variant: AttentionVariant, q: string, k: string): string | undefined {
  const boolMask = variant.mask === 'bool' ? maskInput(g, variant, 'bool') : undefined;
  if (!variant.causal) return boolMask;
  const causal = causalVisibility(g, q, k, variant.kvHeadMajor ? 2 : 1);
  return boolMask ? g.node('And', [causal, boolMask]) : causal;
}

function maskInput(g: GraphBuilder, variant: AttentionVariant, type: 'bool' | 'float32'): string {
  return g.input('mask', type, variant.maskRank === 2 ? ['Sq', 'Sk'] : ['B', 'MH', 'Sq', 'Sk']);
}

/** [Sq, Sk]: key j is visible to query i when j <= i + (Sk - Sq), queries being the last Sq positions. */
function causalVisibility(g: GraphBuilder, q: string, k: string, keyAxis: number): string {
  const sq = g.node('Squeeze', [g.node('Shape', [q], { start: { int: 1 }, end: { int: 2 } })]);
  const sk = g.node('Squeeze', [
    g.node('Shape', [k], { start: { int: keyAxis }, end: { int: keyAxis + 1 } }),
  ]);
  const zero = g.constant({ type: 'int64', dims: [], data: new BigInt64Array([0n]) });
  const one = g.constant({ type: 'int64', dims: [], data: new BigInt64Array([1n]) });
  const rows = g.node('Unsqueeze', [g.node('Range', [zero, sq, one]), g.int64s([1])]);
  const lastVisible = g.node('Add', [rows, g.node('Sub', [sk, sq])]);
  return g.node('LessOrEqual', [g.node('Range', [zero, sk, one]), lastVisible]);
}

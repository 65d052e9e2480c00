import { f32, i32, type Tensor } from '@unmask/tensor';
import { type DiffusionLM, llada, type ModelConfig } from '@unmask/transformer';
import {
  add,
  attention,
  embedding,
  gatherRows,
  linear,
  linears,
  reshape,
  rmsNorm,
  rope,
  swiglu,
} from '../autograd/ops';
import { Parameter, type ParameterKind } from '../autograd/parameter';
import type { Tape } from '../autograd/tape';
import type { Variable } from '../autograd/variable';
import { TrainError } from '../errors';
import type { Rng } from '../random';

/** The tensors of one block, in the order the parameter list and checkpoints keep them. */
const BLOCK_KEYS = ['attnNorm', 'q', 'k', 'v', 'out', 'ffNorm', 'gate', 'up', 'down'] as const;
type BlockParameters = Record<(typeof BLOCK_KEYS)[number], Parameter>;

interface LladaParameters {
  embedding: Parameter;
  blocks: BlockParameters[];
  finalNorm: Parameter;
  lmHead: Parameter;
}

/** Shape, kind and initial standard deviation of a tensor (norm weights start at 1). */
type TensorSpec = { dims: number[]; kind: ParameterKind; std: number };

/**
 * A LLaDA-architecture model whose parameters carry the official tensor names, with a forward pass on
 * the autograd tape that mirrors @unmask/transformer's TransformerBlock op for op.
 */
export class LladaTrainModel {
  readonly parameters: readonly Parameter[];

  private constructor(
    readonly config: ModelConfig,
    private readonly p: LladaParameters,
  ) {
    this.parameters = [
      p.embedding,
      ...p.blocks.flatMap((b) => BLOCK_KEYS.map((key) => b[key])),
      p.finalNorm,
      p.lmHead,
    ];
  }

  /**
   * Fresh weights: normal(0, initStd) for the embedding and projections, with the projections that
   * write into the residual stream (attn_out, ff_out) scaled by 1/sqrt(2 * layers) as in GPT-2; norms 1.
   */
  static initialize(config: ModelConfig, rng: Rng, initStd = 0.02): LladaTrainModel {
    return LladaTrainModel.build(config, initStd, (name, spec) => {
      const data = new Float32Array(spec.dims.reduce((n, d) => n * d, 1));
      if (spec.kind === 'norm') data.fill(1);
      else for (let i = 0; i < data.length; i++) data[i] = spec.std * rng.normal();
      return new Parameter(name, f32(spec.dims, data), spec.kind);
    });
  }

  /** The weights of a loaded model (e.g. `loadModel(dir)` of a checkpoint this package wrote). */
  static fromModel(model: DiffusionLM): LladaTrainModel {
    const { weights } = model;
    const byName = new Map<string, Tensor>();
    const names = llada.weightNames(model.config);
    byName.set(names.embedding, weights.embedding);
    byName.set(names.finalNorm, weights.finalNorm);
    if (names.lmHead) byName.set(names.lmHead, weights.lmHead);
    weights.blocks.forEach((block, i) => {
      const n = names.block(i);
      for (const key of BLOCK_KEYS) byName.set(n[key], block[key]);
    });
    return LladaTrainModel.build(model.config, 0, (name, spec) => {
      const tensor = byName.get(name);
      if (!tensor) throw new TrainError(`the model has no tensor '${name}'`);
      // A copy, which the optimizer may update in place.
      return new Parameter(name, f32(spec.dims, Float32Array.from(tensor.data as Float32Array)), spec.kind);
    });
  }

  private static build(
    config: ModelConfig,
    initStd: number,
    make: (name: string, spec: TensorSpec) => Parameter,
  ): LladaTrainModel {
    if (config.family !== 'llada' || config.tiedEmbeddings || config.qkvBias) {
      throw new TrainError('training supports the LLaDA architecture with an untied LM head and no biases');
    }
    const { hiddenSize: w, numHeads, numKvHeads, headDim, intermediateSize: f, vocabSize: v } = config;
    const names = llada.weightNames(config);
    const residualStd = initStd / Math.sqrt(2 * config.numLayers);
    const specs = blockSpecs(w, numHeads * headDim, numKvHeads * headDim, f, residualStd, initStd);
    const embedding = make(names.embedding, { dims: [v, w], kind: 'embedding', std: initStd });
    const blocks = Array.from({ length: config.numLayers }, (_, i) => {
      const n = names.block(i);
      return Object.fromEntries(BLOCK_KEYS.map((key) => [key, make(n[key], specs[key])])) as BlockParameters;
    });
    return new LladaTrainModel(config, {
      embedding,
      blocks,
      finalNorm: make(names.finalNorm, { dims: [w], kind: 'norm', std: 0 }),
      lmHead: make(names.lmHead!, { dims: [v, w], kind: 'linear', std: initStd }),
    });
  }

  /**
   * Logits of ids int32 [B, S] at positions 0..S-1: [B, S, V], or [R, V] for `rows` int32 [R] (flat
   * indices b * S + s), in which case the LM head runs on those rows only.
   */
  forward(tape: Tape, ids: Tensor, rows?: Tensor): Variable {
    const { config, p } = this;
    const [b, s] = ids.dims as [number, number];
    const positions = i32(
      [s],
      Array.from({ length: s }, (_, i) => i),
    );
    let x = embedding(tape, ids, p.embedding);
    for (const block of p.blocks) x = this.block(tape, block, x, positions);
    let normed = rmsNorm(tape, x, p.finalNorm, config.normEps);
    if (rows) normed = gatherRows(tape, reshape(tape, normed, [b * s, config.hiddenSize]), rows);
    return linear(tape, normed, p.lmHead);
  }

  private block(tape: Tape, w: BlockParameters, x: Variable, positions: Tensor): Variable {
    const { numHeads, numKvHeads, headDim, normEps, ropeTheta } = this.config;
    const [b, s] = x.dims as [number, number];
    const h = rmsNorm(tape, x, w.attnNorm, normEps);
    const [qFlat, kFlat, vFlat] = linears(tape, h, [w.q, w.k, w.v]) as [Variable, Variable, Variable];
    const q = rope(tape, reshape(tape, qFlat, [b, s, numHeads, headDim]), positions, ropeTheta);
    const k = rope(tape, reshape(tape, kFlat, [b, s, numKvHeads, headDim]), positions, ropeTheta);
    const v = reshape(tape, vFlat, [b, s, numKvHeads, headDim]);
    const attended = reshape(tape, attention(tape, q, k, v), [b, s, numHeads * headDim]);
    const afterAttention = add(tape, x, linear(tape, attended, w.out));
    const h2 = rmsNorm(tape, afterAttention, w.ffNorm, normEps);
    const [gate, up] = linears(tape, h2, [w.gate, w.up]) as [Variable, Variable];
    const ffn = linear(tape, swiglu(tape, gate, up), w.down);
    return add(tape, afterAttention, ffn);
  }
}

function blockSpecs(
  w: number,
  qWidth: number,
  kvWidth: number,
  f: number,
  residualStd: number,
  initStd: number,
): Record<keyof BlockParameters, TensorSpec> {
  return {
    attnNorm: { dims: [w], kind: 'norm', std: 0 },
    q: { dims: [qWidth, w], kind: 'linear', std: initStd },
    k: { dims: [kvWidth, w], kind: 'linear', std: initStd },
    v: { dims: [kvWidth, w], kind: 'linear', std: initStd },
    out: { dims: [w, qWidth], kind: 'linear', std: residualStd },
    ffNorm: { dims: [w], kind: 'norm', std: 0 },
    gate: { dims: [f, w], kind: 'linear', std: initStd },
    up: { dims: [f, w], kind: 'linear', std: initStd },
    down: { dims: [w, f], kind: 'linear', std: residualStd },
  };
}

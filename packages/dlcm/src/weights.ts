import type { TensorReader } from '@unmask/hub';
import type { Tensor } from '@unmask/tensor';
import type { BlockWeights } from '@unmask/transformer';
import type { ConceptPathConfig, DlcmConfig, StageConfig } from './config';
import { DlcmWeightError } from './errors';

/** The decoder's cross-attention: pre-norm of the token stream, projections, per-head QK RMSNorm weights. */
export interface CrossAttentionWeights {
  norm: Tensor;
  q: Tensor;
  k: Tensor;
  v: Tensor;
  out: Tensor;
  qNorm: Tensor;
  kNorm: Tensor;
}

/** The weights of the concept path (`ConceptPathConfig`). */
export interface ConceptPathWeights {
  /** Wq and Wk of the learned boundary detector; absent for the rule detector. */
  boundary: { q: Tensor; k: Tensor } | undefined;
  upProj: Tensor;
  backbone: BlockWeights[];
  backboneNorm: Tensor;
  /** The start concept every token may attend to (width d_concept, in the backbone's output space). */
  nullConcept: Tensor;
  crossAttention: CrossAttentionWeights;
}

export interface DlcmWeights {
  embedding: Tensor;
  encoder: BlockWeights[];
  /** Undefined exactly when the config is token-only. */
  conceptPath: ConceptPathWeights | undefined;
  decoder: BlockWeights[];
  decoderNorm: Tensor;
  lmHead: Tensor;
}

type BlockTensor = Exclude<keyof BlockWeights, 'qBias' | 'kBias' | 'vBias'>;

/** Tensor names inside one layer, after the `{stage}.layers.{i}.` prefix. */
const BLOCK_TENSORS: Record<BlockTensor, string> = {
  attnNorm: 'attn_norm.weight',
  q: 'attn.q_proj.weight',
  k: 'attn.k_proj.weight',
  v: 'attn.v_proj.weight',
  out: 'attn.o_proj.weight',
  ffNorm: 'ffn_norm.weight',
  gate: 'ffn.gate_proj.weight',
  up: 'ffn.up_proj.weight',
  down: 'ffn.down_proj.weight',
};

const CROSS_TENSORS: Record<keyof CrossAttentionWeights, string> = {
  norm: 'decoder.cross_attn.norm.weight',
  q: 'decoder.cross_attn.q_proj.weight',
  k: 'decoder.cross_attn.k_proj.weight',
  v: 'decoder.cross_attn.v_proj.weight',
  out: 'decoder.cross_attn.o_proj.weight',
  qNorm: 'decoder.cross_attn.q_norm.weight',
  kNorm: 'decoder.cross_attn.k_norm.weight',
};

type Stage = 'encoder' | 'backbone' | 'decoder';

/** The stages a config has, each with its layers' config and width. */
function stages(config: DlcmConfig): [Stage, StageConfig, number][] {
  const path = config.conceptPath;
  return [
    ['encoder', config.encoder, config.dToken],
    ...(path ? [['backbone', path.backbone, path.dConcept] as [Stage, StageConfig, number]] : []),
    ['decoder', config.decoder, config.dToken],
  ];
}

function blockShapes(width: number, stage: StageConfig): Record<BlockTensor, number[]> {
  const { numHeads, numKvHeads, headDim, intermediateSize: f } = stage;
  return {
    attnNorm: [width],
    q: [numHeads * headDim, width],
    k: [numKvHeads * headDim, width],
    v: [numKvHeads * headDim, width],
    out: [width, numHeads * headDim],
    ffNorm: [width],
    gate: [f, width],
    up: [f, width],
    down: [width, f],
  };
}

/** Every tensor a checkpoint of `config` holds, by name, with its shape (the README lists them). */
export function dlcmTensorShapes(config: DlcmConfig): Map<string, readonly number[]> {
  const { vocabSize: v, dToken: t } = config;
  const shapes = new Map<string, readonly number[]>([['embed_tokens.weight', [v, t]]]);
  for (const [stage, stageConfig, width] of stages(config)) {
    const blocks = blockShapes(width, stageConfig);
    for (let i = 0; i < stageConfig.numLayers; i++) {
      for (const key of Object.keys(BLOCK_TENSORS) as BlockTensor[]) {
        shapes.set(`${stage}.layers.${i}.${BLOCK_TENSORS[key]}`, blocks[key]);
      }
    }
  }
  if (config.conceptPath) conceptPathShapes(shapes, t, config.conceptPath);
  shapes.set('decoder.norm.weight', [t]);
  if (!config.tiedEmbeddings) shapes.set('lm_head.weight', [v, t]);
  return shapes;
}

function conceptPathShapes(shapes: Map<string, readonly number[]>, t: number, path: ConceptPathConfig): void {
  const { dConcept: c, crossAttention: x } = path;
  if (path.boundary.kind === 'learned') {
    shapes.set('boundary.q_proj.weight', [t, t]);
    shapes.set('boundary.k_proj.weight', [t, t]);
  }
  shapes.set('pool.up_proj.weight', [c, t]);
  shapes.set('backbone.norm.weight', [c]);
  shapes.set('null_concept', [c]);
  const cross: Record<keyof CrossAttentionWeights, number[]> = {
    norm: [t],
    q: [x.numHeads * x.headDim, t],
    k: [x.numKvHeads * x.headDim, c],
    v: [x.numKvHeads * x.headDim, c],
    out: [t, x.numHeads * x.headDim],
    qNorm: [x.headDim],
    kNorm: [x.headDim],
  };
  for (const key of Object.keys(CROSS_TENSORS) as (keyof CrossAttentionWeights)[]) {
    shapes.set(CROSS_TENSORS[key], cross[key]);
  }
}

/** Throws a DlcmWeightError for the first extra, missing or wrong-shape tensor (in that order). */
export function validateDlcmTensors(
  found: ReadonlyMap<string, readonly number[]>,
  config: DlcmConfig,
  where: string,
): void {
  const expected = dlcmTensorShapes(config);
  for (const name of found.keys()) {
    if (!expected.has(name)) {
      const why = config.conceptPath
        ? 'not part of this DLCM config'
        : 'a token-only config has no concept path';
      throw new DlcmWeightError(`${where}: unexpected tensor '${name}' (${why})`);
    }
  }
  for (const [name, shape] of expected) {
    const actual = found.get(name);
    if (!actual) throw new DlcmWeightError(`${where}: missing tensor '${name}' [${shape.join(', ')}]`);
    if (actual.length !== shape.length || actual.some((d, i) => d !== shape[i])) {
      throw new DlcmWeightError(
        `${where}: tensor '${name}' has shape [${actual.join(', ')}], expected [${shape.join(', ')}]`,
      );
    }
  }
}

/** Builds the weights from validated tensors, read by name. */
function assemble(read: (name: string) => Tensor, config: DlcmConfig): DlcmWeights {
  const blocks = (stage: Stage, stageConfig: StageConfig): BlockWeights[] =>
    Array.from({ length: stageConfig.numLayers }, (_, i) => {
      const get = (key: BlockTensor) => read(`${stage}.layers.${i}.${BLOCK_TENSORS[key]}`);
      return {
        attnNorm: get('attnNorm'),
        q: get('q'),
        k: get('k'),
        v: get('v'),
        qBias: undefined,
        kBias: undefined,
        vBias: undefined,
        out: get('out'),
        ffNorm: get('ffNorm'),
        gate: get('gate'),
        up: get('up'),
        down: get('down'),
      };
    });
  const cross = (key: keyof CrossAttentionWeights) => read(CROSS_TENSORS[key]);
  const embedding = read('embed_tokens.weight');
  const path = config.conceptPath;
  return {
    embedding,
    encoder: blocks('encoder', config.encoder),
    conceptPath: path && {
      boundary:
        path.boundary.kind === 'learned'
          ? { q: read('boundary.q_proj.weight'), k: read('boundary.k_proj.weight') }
          : undefined,
      upProj: read('pool.up_proj.weight'),
      backbone: blocks('backbone', path.backbone),
      backboneNorm: read('backbone.norm.weight'),
      nullConcept: read('null_concept'),
      crossAttention: {
        norm: cross('norm'),
        q: cross('q'),
        k: cross('k'),
        v: cross('v'),
        out: cross('out'),
        qNorm: cross('qNorm'),
        kNorm: cross('kNorm'),
      },
    },
    decoder: blocks('decoder', config.decoder),
    decoderNorm: read('decoder.norm.weight'),
    lmHead: config.tiedEmbeddings ? embedding : read('lm_head.weight'),
  };
}

/** Validates and reads every tensor of a safetensors checkpoint (converted to float32). */
export function loadDlcmWeights(source: TensorReader, config: DlcmConfig, where: string): DlcmWeights {
  const shapes = new Map([...source.tensors].map(([name, info]) => [name, info.shape]));
  validateDlcmTensors(shapes, config, where);
  return assemble((name) => source.readF32(name), config);
}

/** Validates and takes float32 tensors held in memory (e.g. `randomDlcmTensors`). */
export function dlcmWeightsFromTensors(
  tensors: ReadonlyMap<string, Tensor>,
  config: DlcmConfig,
  where = 'tensors',
): DlcmWeights {
  const shapes = new Map([...tensors].map(([name, tensor]) => [name, tensor.dims]));
  validateDlcmTensors(shapes, config, where);
  for (const [name, tensor] of tensors) {
    if (tensor.type !== 'float32')
      throw new DlcmWeightError(`${where}: tensor '${name}' is ${tensor.type}, expected float32`);
  }
  return assemble((name) => tensors.get(name)!, config);
}

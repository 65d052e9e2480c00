import type { TensorReader } from '@unmask/hub';
import type { Tensor } from '@unmask/tensor';
import type { ModelConfig } from './config';
import { WeightError } from './errors';

/** Official tensor names of one transformer block. */
export interface BlockWeightNames {
  attnNorm: string;
  q: string;
  k: string;
  v: string;
  qkvBias?: { q: string; k: string; v: string };
  out: string;
  ffNorm: string;
  gate: string;
  up: string;
  down: string;
}

/** Official tensor names of a whole model. */
export interface ModelWeightNames {
  embedding: string;
  finalNorm: string;
  /** Absent when the head is tied to the embedding. */
  lmHead: string | undefined;
  block(index: number): BlockWeightNames;
}

export interface BlockWeights {
  attnNorm: Tensor;
  q: Tensor;
  k: Tensor;
  v: Tensor;
  qBias: Tensor | undefined;
  kBias: Tensor | undefined;
  vBias: Tensor | undefined;
  out: Tensor;
  ffNorm: Tensor;
  gate: Tensor;
  up: Tensor;
  down: Tensor;
}

export interface ModelWeights {
  embedding: Tensor;
  finalNorm: Tensor;
  lmHead: Tensor;
  blocks: BlockWeights[];
}

function read(source: TensorReader, name: string, expected: readonly (number | undefined)[]): Tensor {
  const info = source.tensors.get(name);
  if (!info) throw new WeightError(`checkpoint has no tensor '${name}'`);
  const { shape } = info;
  const matches =
    shape.length === expected.length && expected.every((d, i) => d === undefined || d === shape[i]);
  if (!matches) {
    const want = expected.map((d) => d ?? '*').join(', ');
    throw new WeightError(`tensor '${name}' has shape [${shape.join(', ')}], expected [${want}]`);
  }
  return source.readF32(name);
}

/** Reads and shape-checks every weight the config implies, one tensor at a time. */
export function loadModelWeights(
  source: TensorReader,
  names: ModelWeightNames,
  config: ModelConfig,
): ModelWeights {
  const { hiddenSize: w, numHeads, numKvHeads, headDim, intermediateSize: f } = config;
  const qWidth = numHeads * headDim;
  const kvWidth = numKvHeads * headDim;
  const embedding = read(source, names.embedding, [undefined, w]);
  const rows = embedding.dims[0]!;
  if (rows < config.vocabSize) {
    throw new WeightError(
      `'${names.embedding}' has ${rows} rows, fewer than the vocabulary size ${config.vocabSize}`,
    );
  }
  const blocks = Array.from({ length: config.numLayers }, (_, i): BlockWeights => {
    const n = names.block(i);
    return {
      attnNorm: read(source, n.attnNorm, [w]),
      q: read(source, n.q, [qWidth, w]),
      k: read(source, n.k, [kvWidth, w]),
      v: read(source, n.v, [kvWidth, w]),
      qBias: n.qkvBias && read(source, n.qkvBias.q, [qWidth]),
      kBias: n.qkvBias && read(source, n.qkvBias.k, [kvWidth]),
      vBias: n.qkvBias && read(source, n.qkvBias.v, [kvWidth]),
      out: read(source, n.out, [w, qWidth]),
      ffNorm: read(source, n.ffNorm, [w]),
      gate: read(source, n.gate, [f, w]),
      up: read(source, n.up, [f, w]),
      down: read(source, n.down, [w, f]),
    };
  });
  return {
    embedding,
    finalNorm: read(source, names.finalNorm, [w]),
    lmHead: names.lmHead === undefined ? embedding : read(source, names.lmHead, [rows, w]),
    blocks,
  };
}

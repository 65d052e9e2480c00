import type { Tensor } from '@unmask/tensor';
import { Parameter, type ParameterKind } from '@unmask/train';
import type { DlcmConfig } from '../config';
import { type ConceptPathWeights, dlcmWeightsFromTensors } from '../weights';

/** One causal block's parameters (the tensors of `BlockWeights`, no biases). */
export interface BlockParameters {
  attnNorm: Parameter;
  q: Parameter;
  k: Parameter;
  v: Parameter;
  out: Parameter;
  ffNorm: Parameter;
  gate: Parameter;
  up: Parameter;
  down: Parameter;
}

/** `ConceptPathWeights` as trainable parameters. */
export interface ConceptPathParameters {
  boundary: { q: Parameter; k: Parameter } | undefined;
  upProj: Parameter;
  backbone: BlockParameters[];
  backboneNorm: Parameter;
  nullConcept: Parameter;
  crossAttention: {
    norm: Parameter;
    q: Parameter;
    k: Parameter;
    v: Parameter;
    out: Parameter;
    qNorm: Parameter;
    kNorm: Parameter;
  };
}

/** `DlcmWeights` as trainable parameters, each named as in the checkpoint layout. */
export interface DlcmParameters {
  embedding: Parameter;
  encoder: BlockParameters[];
  /** Undefined for a token-only config. */
  conceptPath: ConceptPathParameters | undefined;
  decoder: BlockParameters[];
  decoderNorm: Parameter;
  /** The embedding itself when the config ties them. */
  lmHead: Parameter;
}

/** What a parameter is for (the optimizer's weight decay reads it): vectors looked up or added are not decayed. */
export function parameterKind(name: string): ParameterKind {
  if (name.endsWith('norm.weight')) return 'norm';
  if (name === 'embed_tokens.weight' || name === 'null_concept') return 'embedding';
  return 'linear';
}

/**
 * Parameters over validated tensors of the checkpoint layout (taken as they are, not copied): the
 * inference loader's own assembly decides which tensor plays which part, so the two cannot disagree.
 */
export function dlcmParameters(
  tensors: ReadonlyMap<string, Tensor>,
  config: DlcmConfig,
): { list: Parameter[]; structured: DlcmParameters } {
  const list = [...tensors].map(([name, value]) => new Parameter(name, value, parameterKind(name)));
  const byTensor = new Map(list.map((p) => [p.value, p]));
  const weights = dlcmWeightsFromTensors(tensors, config);
  const p = (t: Tensor) => byTensor.get(t)!;
  const blocks = (stage: typeof weights.encoder): BlockParameters[] =>
    stage.map((w) => ({
      attnNorm: p(w.attnNorm),
      q: p(w.q),
      k: p(w.k),
      v: p(w.v),
      out: p(w.out),
      ffNorm: p(w.ffNorm),
      gate: p(w.gate),
      up: p(w.up),
      down: p(w.down),
    }));
  const path = weights.conceptPath;
  const conceptPath = (w: ConceptPathWeights): ConceptPathParameters => {
    const x = w.crossAttention;
    return {
      boundary: w.boundary && { q: p(w.boundary.q), k: p(w.boundary.k) },
      upProj: p(w.upProj),
      backbone: blocks(w.backbone),
      backboneNorm: p(w.backboneNorm),
      nullConcept: p(w.nullConcept),
      crossAttention: {
        norm: p(x.norm),
        q: p(x.q),
        k: p(x.k),
        v: p(x.v),
        out: p(x.out),
        qNorm: p(x.qNorm),
        kNorm: p(x.kNorm),
      },
    };
  };
  return {
    list,
    structured: {
      embedding: p(weights.embedding),
      encoder: blocks(weights.encoder),
      conceptPath: path && conceptPath(path),
      decoder: blocks(weights.decoder),
      decoderNorm: p(weights.decoderNorm),
      lmHead: p(weights.lmHead),
    },
  };
}

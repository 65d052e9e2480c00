import { type Backend, f32, type Tensor } from '@unmask/tensor';
import { ops, type Parameter, type Rng, Tape, type Variable } from '@unmask/train';
import { createBoundaryDetector } from '../boundary';
import type { ConceptPathConfig, DlcmConfig, StageConfig } from '../config';
import { NoConceptPathError, SegmentationError } from '../errors';
import { completedConceptMask, replicatedRowIndices } from '../replication';
import { type Segmentation, segmentBoundaries } from '../segmentation';
import { causalStackForward, type StackSettings } from './causal-stack';
import { initialDlcmTensors } from './initialize';
import { type ConceptPathParameters, type DlcmParameters, dlcmParameters } from './parameters';
import { segmentPoolingMatrix } from './pooling-matrix';

export interface DlcmTrainForwardOptions {
  /**
   * Flat token indices b * S + t, int32 [R]: the LM head runs on these rows only and the logits are
   * [R, V] (next-token training needs every row but the last of each sequence).
   */
  rows?: Tensor;
  /**
   * Weight the cross-attention output of token t by H-Net's straight-through confidence of its
   * boundary decision (value unchanged; see the README). Default true.
   */
  straightThrough?: boolean;
}

export interface DlcmTrainOutput {
  /** [B, S, V], or [R, V] for `rows`. */
  logits: Variable;
  /** [B, S]: p_t, 1 at each row's first token; undefined for a token-only model. */
  probabilities: Variable | undefined;
  /** Undefined for a token-only model. */
  segmentation: Segmentation | undefined;
}

/**
 * A DLCM on the autograd tape, parameters named as in the checkpoint layout, mirroring `DlcmModel`
 * stage for stage (encode, detect, pool + backbone, cross-attend + decode). The caller gives the
 * boundaries: sampled in training, `decide`d for validation and the equality with inference. A
 * token-only config has no boundaries: encoder, decoder, norm and head only (the concept-path
 * methods throw a `NoConceptPathError`).
 */
export class DlcmTrainModel {
  readonly parameters: readonly Parameter[];
  private readonly p: DlcmParameters;

  private constructor(
    readonly config: DlcmConfig,
    tensors: ReadonlyMap<string, Tensor>,
  ) {
    const { list, structured } = dlcmParameters(tensors, config);
    this.parameters = list;
    this.p = structured;
  }

  /** Fresh weights from `rng` (see `initialDlcmTensors`). */
  static initialize(config: DlcmConfig, rng: Rng, initStd = 0.02): DlcmTrainModel {
    return new DlcmTrainModel(config, initialDlcmTensors(config, rng, initStd));
  }

  /** Trainable copies of checkpoint-layout tensors (e.g. `randomDlcmTensors`, or a loaded checkpoint's). */
  static fromTensors(config: DlcmConfig, tensors: ReadonlyMap<string, Tensor>): DlcmTrainModel {
    const copies = new Map(
      [...tensors].map(([name, t]) => [name, f32(t.dims, Float32Array.from(t.data as Float32Array))]),
    );
    return new DlcmTrainModel(config, copies);
  }

  /** The current weights by checkpoint name (live views: copy before the next update if kept). */
  tensors(): Map<string, Tensor> {
    return new Map(this.parameters.map((p) => [p.name, p.value]));
  }

  private settings(stage: StageConfig): StackSettings {
    const { config } = this;
    return { stage, ropeTheta: config.ropeTheta, normEps: config.normEps };
  }

  /** The concept path's parameters and config, or a NoConceptPathError saying that `what` needs them. */
  private path(what: string): { p: ConceptPathParameters; config: ConceptPathConfig } {
    const { conceptPath: p } = this.p;
    const config = this.config.conceptPath;
    if (!p || !config) throw new NoConceptPathError(what);
    return { p, config };
  }

  /** Encoder states of ids int32 [B, S]: [B, S, d_token]. */
  encode(tape: Tape, ids: Tensor): Variable {
    const x = ops.embedding(tape, ids, this.p.embedding);
    return causalStackForward(tape, this.p.encoder, x, this.settings(this.config.encoder));
  }

  /** p [B, S] of encoder states [B, S, d_token]: the learned or the rule detector's. */
  boundaryProbabilities(tape: Tape, hidden: Variable): Variable {
    const { boundary } = this.path('boundary probabilities').p;
    if (!boundary) return ops.shiftedCosineProbabilities(tape, hidden, hidden);
    const [q, k] = ops.linears(tape, hidden, [boundary.q, boundary.k]) as [Variable, Variable];
    return ops.shiftedCosineProbabilities(tape, q, k);
  }

  /** p [B * S] of ids int32 [B, S], with no graph kept (what boundaries are sampled from). */
  probabilities(backend: Backend, ids: Tensor): Float32Array {
    const tape = new Tape(backend, { grad: false });
    return this.boundaryProbabilities(tape, this.encode(tape, ids)).value.data as Float32Array;
  }

  /** The inference rule's boundaries for p [B * S] in rows of `length` (p >= 0.5, or p > tau). */
  decide(backend: Backend, probabilities: Float32Array, length: number): Uint8Array {
    const { p, config } = this.path('boundary decisions');
    const weights = p.boundary && { q: p.boundary.q.value, k: p.boundary.k.value };
    return createBoundaryDetector(backend, config.boundary, weights).decide(probabilities, length);
  }

  /** Concept states [B, 1 + C, d_concept]: the null concept, then pooled, projected, backbone, normed. */
  concepts(tape: Tape, hidden: Variable, segmentation: Segmentation): Variable {
    const { p, config } = this.path('concepts');
    const pooled = ops.matmul(tape, tape.constant(segmentPoolingMatrix(segmentation)), hidden);
    const backbone = causalStackForward(
      tape,
      p.backbone,
      ops.linear(tape, pooled, p.upProj),
      this.settings(config.backbone),
    );
    const normed = ops.rmsNorm(tape, backbone, p.backboneNorm, this.config.normEps);
    return ops.prependRow(tape, p.nullConcept, normed);
  }

  /** The decoder's input stream hidden + crossAttn(hidden, completed concepts): [B, S, d_token]. */
  crossAttend(
    tape: Tape,
    hidden: Variable,
    concepts: Variable,
    segmentation: Segmentation,
    confidence: { probabilities: Variable } | undefined,
  ): Variable {
    const path = this.path('cross-attention to concepts');
    const w = path.p.crossAttention;
    const { numHeads, numKvHeads, headDim } = path.config.crossAttention;
    const eps = this.config.normEps;
    const [b, s] = hidden.dims as [number, number];
    const rows = concepts.dims[1]!;
    const normed = ops.rmsNorm(tape, hidden, w.norm, eps);
    const qFlat = ops.linear(tape, normed, w.q);
    const q = ops.rmsNorm(tape, ops.reshape(tape, qFlat, [b, s, numHeads, headDim]), w.qNorm, eps);
    const [kFlat, vFlat] = ops.linears(tape, concepts, [w.k, w.v]) as [Variable, Variable];
    const kvDims = [b, rows, numKvHeads, headDim];
    const k = ops.rmsNorm(tape, ops.reshape(tape, kFlat, kvDims), w.kNorm, eps);
    const picks = replicatedRowIndices(segmentation, rows);
    const replicate = (x: Variable) =>
      ops.reshape(tape, ops.gatherRows(tape, ops.reshape(tape, x, [b * rows, numKvHeads * headDim]), picks), [
        b,
        1 + s,
        numKvHeads,
        headDim,
      ]);
    const attended = ops.maskedAttention(
      tape,
      q,
      replicate(k),
      replicate(ops.reshape(tape, vFlat, kvDims)),
      completedConceptMask(segmentation),
    );
    let out = ops.linear(tape, ops.reshape(tape, attended, [b, s, numHeads * headDim]), w.out);
    if (confidence) {
      out = ops.straightThroughConfidence(tape, out, confidence.probabilities, segmentation.starts);
    }
    return ops.add(tape, hidden, out);
  }

  /** Decoder layers, final norm and LM head over the decoder's input [B, S, d_token]. */
  decode(tape: Tape, x: Variable, rows: Tensor | undefined): Variable {
    const { p, config } = this;
    const out = causalStackForward(tape, p.decoder, x, this.settings(config.decoder));
    let normed = ops.rmsNorm(tape, out, p.decoderNorm, config.normEps);
    if (rows) {
      const [b, s] = x.dims as [number, number];
      normed = ops.gatherRows(tape, ops.reshape(tape, normed, [b * s, config.dToken]), rows);
    }
    return ops.linear(tape, normed, p.lmHead);
  }

  /**
   * The whole model over ids int32 [B, S] with boundary flags `starts` [B * S]; a token-only model
   * takes none (undefined) and runs the decoder straight on the encoder's states.
   */
  forward(
    tape: Tape,
    ids: Tensor,
    starts: Uint8Array | undefined,
    options: DlcmTrainForwardOptions = {},
  ): DlcmTrainOutput {
    const hidden = this.encode(tape, ids);
    if (!this.config.conceptPath) {
      const logits = this.decode(tape, hidden, options.rows);
      return { logits, probabilities: undefined, segmentation: undefined };
    }
    if (!starts) throw new SegmentationError('a DLCM forward needs boundary flags (starts)');
    const [batch, length] = hidden.dims as [number, number];
    const probabilities = this.boundaryProbabilities(tape, hidden);
    const segmentation = segmentBoundaries(starts, batch, length);
    const concepts = this.concepts(tape, hidden, segmentation);
    const confidence = (options.straightThrough ?? true) ? { probabilities } : undefined;
    const x = this.crossAttend(tape, hidden, concepts, segmentation, confidence);
    return { logits: this.decode(tape, x, options.rows), probabilities, segmentation };
  }
}

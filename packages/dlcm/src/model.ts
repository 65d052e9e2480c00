import { type Backend, f32, f32Data, ShapeError, type Tensor } from '@unmask/tensor';
import { type BoundaryDetector, createBoundaryDetector } from './boundary';
import type { ConceptPathConfig, DlcmConfig } from './config';
import { ConceptCrossAttention } from './cross-attention';
import { DlcmWeightError, NoConceptPathError } from './errors';
import { poolConcepts } from './pooling';
import { completedConceptMask, replicateConcepts } from './replication';
import { type Segmentation, segmentBoundaries } from './segmentation';
import { CausalStack, stageModelConfig } from './stack';
import type { ConceptPathWeights, DlcmWeights } from './weights';

export interface DlcmForwardOptions {
  /** Boundary flags [B * S] to use instead of the detector's decisions (training samples its own). */
  starts?: Uint8Array;
}

/**
 * The output of `DlcmModel.forward`. A token-only model has no boundaries and no concepts:
 * `probabilities`, `segmentation` and `concepts` are then all undefined (a DLCM always has all three).
 */
export interface DlcmOutput {
  /** [B, S, V]: row t predicts token t + 1. */
  logits: Tensor;
  /** [B * S]: the detector's boundary probability of every token (1 at each row's first token). */
  probabilities: Float32Array | undefined;
  segmentation: Segmentation | undefined;
  /** [B, 1 + C, d_concept]: the null concept, then the backbone's output for every segment. */
  concepts: Tensor | undefined;
}

/** The modules of the concept path, with its config and weights. */
export interface DlcmConceptModules {
  readonly config: ConceptPathConfig;
  readonly weights: ConceptPathWeights;
  readonly detector: BoundaryDetector;
  readonly backbone: CausalStack;
  readonly crossAttention: ConceptCrossAttention;
}

/**
 * A loaded DLCM, as stages that incremental decoding can cache separately:
 *   hidden = encode(ids)                    causal encoder over tokens (d_token)
 *   p, starts = detect(hidden)              boundaries from tokens <= t only
 *   concepts = concepts(hidden, segments)   mean-pool + W_up, causal backbone (d_concept), null first
 *   logits = decode(hidden, concepts, ...)  cross-attention to completed concepts, decoder, LM head
 * A token-only model (`conceptPath` undefined) is `decodeTokens(encode(ids))`: the decoder's layers
 * run straight after the encoder's; `detect`, `concepts` and `decode` throw a `NoConceptPathError`.
 */
export class DlcmModel {
  readonly encoder: CausalStack;
  readonly decoder: CausalStack;
  /** Undefined for a token-only model. */
  readonly conceptPath: DlcmConceptModules | undefined;

  constructor(
    readonly backend: Backend,
    readonly config: DlcmConfig,
    readonly weights: DlcmWeights,
  ) {
    const { dToken } = config;
    this.encoder = new CausalStack(
      backend,
      weights.encoder,
      stageModelConfig(config, config.encoder, dToken),
    );
    this.decoder = new CausalStack(
      backend,
      weights.decoder,
      stageModelConfig(config, config.decoder, dToken),
    );
    const path = config.conceptPath;
    const pathWeights = weights.conceptPath;
    if ((path === undefined) !== (pathWeights === undefined)) {
      throw new DlcmWeightError(
        `the config ${path ? 'has' : 'has no'} concept path, the weights ${pathWeights ? 'have' : 'have none'}`,
      );
    }
    this.conceptPath =
      path && pathWeights
        ? {
            config: path,
            weights: pathWeights,
            detector: createBoundaryDetector(backend, path.boundary, pathWeights.boundary),
            backbone: new CausalStack(
              backend,
              pathWeights.backbone,
              stageModelConfig(config, path.backbone, path.dConcept),
            ),
            crossAttention: new ConceptCrossAttention(
              backend,
              pathWeights.crossAttention,
              path.crossAttention,
              config.normEps,
            ),
          }
        : undefined;
  }

  /** The concept path, or a NoConceptPathError saying that `what` needs one. */
  requireConceptPath(what: string): DlcmConceptModules {
    if (!this.conceptPath) throw new NoConceptPathError(what);
    return this.conceptPath;
  }

  /** The same weights on another backend. */
  withBackend(backend: Backend): DlcmModel {
    return new DlcmModel(backend, this.config, this.weights);
  }

  /** Encoder states of ids int32 [B, S]: [B, S, d_token]. */
  encode(ids: Tensor): Tensor {
    if (ids.dims.length !== 2 || ids.type !== 'int32' || ids.dims[1] === 0) {
      throw new ShapeError('dlcm.encode', 'ids must be int32 [B, S] with S >= 1', { ids: ids.dims });
    }
    const length = ids.dims[1]!;
    if (length > this.config.maxPositions) {
      throw new ShapeError(
        'dlcm.encode',
        `sequence of ${length} exceeds the model's ${this.config.maxPositions} positions`,
        { ids: ids.dims },
      );
    }
    return this.encoder.forward(this.backend.embedding(ids, this.weights.embedding));
  }

  /** Boundary probabilities and the inference decision for encoder states [B, S, d_token]. */
  detect(hidden: Tensor): { probabilities: Float32Array; starts: Uint8Array } {
    const { detector } = this.requireConceptPath('boundary detection');
    const probabilities = detector.probabilities(hidden);
    return { probabilities, starts: detector.decide(probabilities, hidden.dims[1]!) };
  }

  /** Concept states [B, 1 + C, d_concept]: the null concept, then each segment pooled, projected up and run through the backbone. */
  concepts(hidden: Tensor, segmentation: Segmentation): Tensor {
    const { weights, backbone } = this.requireConceptPath('concepts');
    const pooled = poolConcepts(this.backend, hidden, segmentation, weights.upProj);
    const out = this.backend.rmsNorm(backbone.forward(pooled), weights.backboneNorm, this.config.normEps);
    return prependRow(out, f32Data(weights.nullConcept));
  }

  /**
   * Logits [B, S, V] from encoder states and concept states: the token stream cross-attends to the
   * replicated concepts under `mask` (by default the leak-free `completedConceptMask`), then runs
   * the decoder layers, the final norm and the LM head.
   */
  decode(
    hidden: Tensor,
    concepts: Tensor,
    segmentation: Segmentation,
    mask: Tensor = completedConceptMask(segmentation),
  ): Tensor {
    const { backend } = this;
    const { crossAttention } = this.requireConceptPath('cross-attention to concepts');
    const { k, v } = crossAttention.keysValues(concepts);
    const attended = crossAttention.attend(
      crossAttention.queries(hidden),
      replicateConcepts(backend, k, segmentation),
      replicateConcepts(backend, v, segmentation),
      mask,
    );
    return this.decodeTokens(backend.add(hidden, attended));
  }

  /** The decoder's layers over its input stream x [B, S, d_token], the final norm and the LM head: logits [B, S, V]. */
  decodeTokens(x: Tensor): Tensor {
    const { backend } = this;
    return backend.linear(
      backend.rmsNorm(this.decoder.forward(x), this.weights.decoderNorm, this.config.normEps),
      this.weights.lmHead,
    );
  }

  /**
   * The whole model over ids int32 [B, S]. A token-only model gives the logits only (and ignores
   * `starts`, which it has no use for).
   */
  forward(ids: Tensor, options: DlcmForwardOptions = {}): DlcmOutput {
    const hidden = this.encode(ids);
    if (!this.conceptPath) {
      const logits = this.decodeTokens(hidden);
      return { logits, probabilities: undefined, segmentation: undefined, concepts: undefined };
    }
    const [batch, length] = hidden.dims as [number, number];
    const detected = this.detect(hidden);
    const segmentation = segmentBoundaries(options.starts ?? detected.starts, batch, length);
    const concepts = this.concepts(hidden, segmentation);
    const logits = this.decode(hidden, concepts, segmentation);
    return { logits, probabilities: detected.probabilities, segmentation, concepts };
  }

  /** Logits of ids int32 [B, S] -> [B, S, V] (row t predicts token t + 1), as `NextTokenModel` asks. */
  logits(ids: Tensor): Tensor {
    return this.forward(ids).logits;
  }

  /** Number of weight values held (a tied head counted once). */
  get parameterCount(): number {
    const tensors = new Set<Tensor>();
    const collect = (value: unknown): void => {
      if (value instanceof Object && 'dims' in value) tensors.add(value as Tensor);
      else if (value instanceof Object) for (const inner of Object.values(value)) collect(inner);
    };
    collect(this.weights);
    let n = 0;
    for (const t of tensors) n += t.size;
    return n;
  }
}

/** x [B, N, D] with `row` [D] put before each batch's rows: [B, 1 + N, D]. */
function prependRow(x: Tensor, row: Float32Array): Tensor {
  const [batch, rows, width] = x.dims as [number, number, number];
  const src = f32Data(x);
  const out = new Float32Array(batch * (1 + rows) * width);
  for (let b = 0; b < batch; b++) {
    out.set(row, b * (1 + rows) * width);
    out.set(src.subarray(b * rows * width, (b + 1) * rows * width), (b * (1 + rows) + 1) * width);
  }
  return f32([batch, 1 + rows, width], out);
}

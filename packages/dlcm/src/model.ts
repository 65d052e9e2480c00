import { type Backend, f32, f32Data, ShapeError, type Tensor } from '@unmask/tensor';
import { type BoundaryDetector, createBoundaryDetector } from './boundary';
import type { DlcmConfig } from './config';
import { ConceptCrossAttention } from './cross-attention';
import { poolConcepts } from './pooling';
import { completedConceptMask, replicateConcepts } from './replication';
import { type Segmentation, segmentBoundaries } from './segmentation';
import { CausalStack, stageModelConfig } from './stack';
import type { DlcmWeights } from './weights';

export interface DlcmForwardOptions {
  /** Boundary flags [B * S] to use instead of the detector's decisions (training samples its own). */
  starts?: Uint8Array;
}

export interface DlcmOutput {
  /** [B, S, V]: row t predicts token t + 1. */
  logits: Tensor;
  /** [B * S]: the detector's boundary probability of every token (1 at each row's first token). */
  probabilities: Float32Array;
  segmentation: Segmentation;
  /** [B, 1 + C, d_concept]: the null concept, then the backbone's output for every segment. */
  concepts: Tensor;
}

/**
 * A loaded DLCM, as stages that incremental decoding can cache separately:
 *   hidden = encode(ids)                    causal encoder over tokens (d_token)
 *   p, starts = detect(hidden)              boundaries from tokens <= t only
 *   concepts = concepts(hidden, segments)   mean-pool + W_up, causal backbone (d_concept), null first
 *   logits = decode(hidden, concepts, ...)  cross-attention to completed concepts, decoder, LM head
 */
export class DlcmModel {
  readonly encoder: CausalStack;
  readonly backbone: CausalStack;
  readonly decoder: CausalStack;
  readonly detector: BoundaryDetector;
  readonly crossAttention: ConceptCrossAttention;

  constructor(
    readonly backend: Backend,
    readonly config: DlcmConfig,
    readonly weights: DlcmWeights,
  ) {
    const { dToken, dConcept } = config;
    this.encoder = new CausalStack(
      backend,
      weights.encoder,
      stageModelConfig(config, config.encoder, dToken),
    );
    this.backbone = new CausalStack(
      backend,
      weights.backbone,
      stageModelConfig(config, config.backbone, dConcept),
    );
    this.decoder = new CausalStack(
      backend,
      weights.decoder,
      stageModelConfig(config, config.decoder, dToken),
    );
    this.detector = createBoundaryDetector(backend, config.boundary, weights.boundary);
    this.crossAttention = new ConceptCrossAttention(
      backend,
      weights.crossAttention,
      config.crossAttention,
      config.normEps,
    );
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
    const probabilities = this.detector.probabilities(hidden);
    return { probabilities, starts: this.detector.decide(probabilities, hidden.dims[1]!) };
  }

  /** Concept states [B, 1 + C, d_concept]: the null concept, then each segment pooled, projected up and run through the backbone. */
  concepts(hidden: Tensor, segmentation: Segmentation): Tensor {
    const pooled = poolConcepts(this.backend, hidden, segmentation, this.weights.upProj);
    const out = this.backend.rmsNorm(
      this.backbone.forward(pooled),
      this.weights.backboneNorm,
      this.config.normEps,
    );
    return prependRow(out, f32Data(this.weights.nullConcept));
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
    const { backend, crossAttention } = this;
    const { k, v } = crossAttention.keysValues(concepts);
    const attended = crossAttention.attend(
      crossAttention.queries(hidden),
      replicateConcepts(backend, k, segmentation),
      replicateConcepts(backend, v, segmentation),
      mask,
    );
    const x = this.decoder.forward(backend.add(hidden, attended));
    return backend.linear(
      backend.rmsNorm(x, this.weights.decoderNorm, this.config.normEps),
      this.weights.lmHead,
    );
  }

  /** The whole model over ids int32 [B, S]. */
  forward(ids: Tensor, options: DlcmForwardOptions = {}): DlcmOutput {
    const hidden = this.encode(ids);
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

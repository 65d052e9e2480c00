import type { Tensor } from '@unmask/tensor';
import {
  type RefInput,
  type RefOutput,
  refAdd,
  refAttention,
  refEmbedding,
  refGatherRows,
  refLinear,
  refLogSoftmax,
  refMatmul,
  refRmsNorm,
  refRope,
  refSwiglu,
} from '@unmask/tensor/conformance';
import {
  causalMask,
  completedConceptMask,
  type DlcmConfig,
  globalParserLoss,
  positionRange,
  replicatedRowIndices,
  type Segmentation,
  type StageConfig,
} from '../src';
import { segmentPoolingMatrix } from '../src/train';

/** What the float64 reference loss holds fixed: the batch, its sampled boundaries and the stopped gradients. */
export interface ReferenceBatch {
  ids: Tensor;
  segmentation: Segmentation;
  /** F of the step (from the sampled boundaries). */
  rate: number;
  auxWeight: number;
  /** p_t at the unperturbed weights: STE(c) = c + (1 - c(p0)), the stop-gradient part frozen. */
  baseProbabilities: Float64Array;
}

const shape = (x: RefInput, dims: number[]): RefInput => ({ dims, data: x.data });

function stack(
  x: RefInput,
  weights: (name: string) => RefInput,
  prefix: string,
  stage: StageConfig,
  config: DlcmConfig,
): RefInput {
  const [b, s] = x.dims as [number, number];
  const positions = positionRange(s);
  const mask = causalMask(s);
  const { numHeads, numKvHeads, headDim } = stage;
  let out = x;
  for (let i = 0; i < stage.numLayers; i++) {
    const w = (name: string) => weights(`${prefix}.layers.${i}.${name}`);
    const h = refRmsNorm(out, w('attn_norm.weight'), config.normEps);
    const q = refRope(
      shape(refLinear(h, w('attn.q_proj.weight')), [b, s, numHeads, headDim]),
      positions,
      config.ropeTheta,
    );
    const k = refRope(
      shape(refLinear(h, w('attn.k_proj.weight')), [b, s, numKvHeads, headDim]),
      positions,
      config.ropeTheta,
    );
    const v = shape(refLinear(h, w('attn.v_proj.weight')), [b, s, numKvHeads, headDim]);
    const attended = refAttention(q, k, v, { mask });
    out = refAdd(out, refLinear(shape(attended, [b, s, numHeads * headDim]), w('attn.o_proj.weight')));
    const h2 = refRmsNorm(out, w('ffn_norm.weight'), config.normEps);
    const ffn = refSwiglu(refLinear(h2, w('ffn.gate_proj.weight')), refLinear(h2, w('ffn.up_proj.weight')));
    out = refAdd(out, refLinear(ffn, w('ffn.down_proj.weight')));
  }
  return out;
}

/** p [B * S] in float64: 1, then (1 - cos(a[t - 1], b[t])) / 2. */
export function refBoundaryProbabilities(a: RefInput, b: RefInput): Float64Array {
  const [batch, length, width] = a.dims as [number, number, number];
  const x = a.data as ArrayLike<number>;
  const y = b.data as ArrayLike<number>;
  const out = new Float64Array(batch * length);
  for (let row = 0; row < batch; row++) {
    out[row * length] = 1;
    for (let t = 1; t < length; t++) {
      let [dot, xx, yy] = [0, 0, 0];
      for (let i = 0; i < width; i++) {
        const u = x[(row * length + t - 1) * width + i]!;
        const w = y[(row * length + t) * width + i]!;
        dot += u * w;
        xx += u * u;
        yy += w * w;
      }
      out[row * length + t] = (1 - dot / Math.sqrt(xx * yy)) / 2;
    }
  }
  return out;
}

/**
 * The DLCM training loss L_CE + lambda * L_aux (F fixed, G from p) composed from the float64
 * reference ops, with the straight-through confidence as c + (1 - c(p0)). Returns the loss, its CE
 * and p.
 */
export function referenceDlcmLoss(
  config: DlcmConfig,
  weights: ReadonlyMap<string, RefInput>,
  batch: ReferenceBatch,
): { loss: number; crossEntropy: number; probabilities: Float64Array } {
  const get = (name: string) => {
    const w = weights.get(name);
    if (!w) throw new Error(`no reference weight '${name}'`);
    return w;
  };
  const { segmentation } = batch;
  const path = config.conceptPath;
  if (!path) throw new Error('referenceDlcmLoss needs a concept path');
  const dConcept = path.dConcept;
  const [b, s] = batch.ids.dims as [number, number];
  const t = config.dToken;
  const hidden = stack(
    refEmbedding(batch.ids, get('embed_tokens.weight')),
    get,
    'encoder',
    config.encoder,
    config,
  );
  const p =
    path.boundary.kind === 'learned'
      ? refBoundaryProbabilities(
          refLinear(hidden, get('boundary.q_proj.weight')),
          refLinear(hidden, get('boundary.k_proj.weight')),
        )
      : refBoundaryProbabilities(hidden, hidden);

  const pooled = refMatmul(segmentPoolingMatrix(segmentation), hidden);
  const backbone = stack(
    refLinear(pooled, get('pool.up_proj.weight')),
    get,
    'backbone',
    path.backbone,
    config,
  );
  const normedConcepts = refRmsNorm(backbone, get('backbone.norm.weight'), config.normEps);
  const c = normedConcepts.dims[1]!;
  const rows = 1 + c;
  const concepts = new Float64Array(b * rows * dConcept);
  for (let i = 0; i < b; i++) {
    concepts.set(get('null_concept').data as ArrayLike<number>, i * rows * dConcept);
    concepts.set(
      normedConcepts.data.subarray(i * c * dConcept, (i + 1) * c * dConcept),
      (i * rows + 1) * dConcept,
    );
  }
  const conceptStates = { dims: [b, rows, dConcept], data: concepts };

  const { numHeads, numKvHeads, headDim } = path.crossAttention;
  const x = (name: string) => get(`decoder.cross_attn.${name}.weight`);
  const normed = refRmsNorm(hidden, x('norm'), config.normEps);
  const q = refRmsNorm(
    shape(refLinear(normed, x('q_proj')), [b, s, numHeads, headDim]),
    x('q_norm'),
    config.normEps,
  );
  const k = refRmsNorm(
    shape(refLinear(conceptStates, x('k_proj')), [b, rows, numKvHeads, headDim]),
    x('k_norm'),
    config.normEps,
  );
  const v = refLinear(conceptStates, x('v_proj'));
  const picks = replicatedRowIndices(segmentation, rows);
  const replicate = (y: RefInput) =>
    shape(refGatherRows(shape(y, [b * rows, numKvHeads * headDim]), picks), [b, 1 + s, numKvHeads, headDim]);
  const attended = refAttention(q, replicate(k), replicate(v), { mask: completedConceptMask(segmentation) });
  const crossOut = refLinear(shape(attended, [b, s, numHeads * headDim]), x('o_proj'));
  const confidence = (value: number, i: number) => (segmentation.starts[i] === 1 ? value : 1 - value);
  for (let i = 0; i < b * s; i++) {
    const ste = confidence(p[i]!, i) + 1 - confidence(batch.baseProbabilities[i]!, i);
    for (let d = 0; d < t; d++) crossOut.data[i * t + d]! *= ste;
  }

  const decoded = stack(refAdd(hidden, crossOut), get, 'decoder', config.decoder, config);
  const final = refRmsNorm(decoded, get('decoder.norm.weight'), config.normEps);
  const logits: RefOutput = refLinear(
    final,
    get(config.tiedEmbeddings ? 'embed_tokens.weight' : 'lm_head.weight'),
  );
  const logProbs = refLogSoftmax(logits).data;
  const ids = batch.ids.data as Int32Array;
  const vocab = config.vocabSize;
  let ce = 0;
  for (let row = 0; row < b; row++) {
    for (let pos = 0; pos + 1 < s; pos++) ce -= logProbs[(row * s + pos) * vocab + ids[row * s + pos + 1]!]!;
  }
  ce /= b * (s - 1);
  const meanProbability = p.reduce((sum, value) => sum + value, 0) / p.length;
  const aux = globalParserLoss(batch.rate, meanProbability, path.compressionRatio);
  return { loss: ce + batch.auxWeight * aux, crossEntropy: ce, probabilities: p };
}

/**
 * Logits [B, S, V] (float64) of a token-only config, composed from the reference ops alone: the
 * embedding, the encoder's and then the decoder's causal blocks, the final RMSNorm and the LM head.
 */
export function referenceTokenOnlyLogits(
  config: DlcmConfig,
  weights: (name: string) => RefInput,
  ids: Tensor,
): RefOutput {
  const hidden = stack(
    refEmbedding(ids, weights('embed_tokens.weight')),
    weights,
    'encoder',
    config.encoder,
    config,
  );
  const decoded = stack(hidden, weights, 'decoder', config.decoder, config);
  const final = refRmsNorm(decoded, weights('decoder.norm.weight'), config.normEps);
  return refLinear(final, weights(config.tiedEmbeddings ? 'embed_tokens.weight' : 'lm_head.weight'));
}

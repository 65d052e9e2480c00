import { f32, type Tensor } from '@unmask/tensor';
import type { Rng } from '@unmask/train';
import type { DlcmConfig } from '../config';
import { dlcmTensorShapes } from '../weights';

/** The projections that write into a residual stream, by the stage whose depth scales them down. */
const RESIDUAL_WRITERS: [RegExp, (config: DlcmConfig) => number][] = [
  [/^encoder\.layers\.\d+\.(attn\.o_proj|ffn\.down_proj)\.weight$/, (c) => c.encoder.numLayers],
  [
    /^backbone\.layers\.\d+\.(attn\.o_proj|ffn\.down_proj)\.weight$/,
    (c) => c.conceptPath?.backbone.numLayers ?? 1,
  ],
  [/^decoder\.layers\.\d+\.(attn\.o_proj|ffn\.down_proj)\.weight$/, (c) => c.decoder.numLayers],
];

/**
 * Fresh training weights for every tensor of `config`, drawn from `rng`: norm weights 1; the null
 * concept N(0, 1) (it sits among RMS-normed concept states, of RMS 1); the embedding and every
 * projection N(0, initStd), with the projections that write into a stage's residual stream scaled by
 * 1 / sqrt(2 * layers) as in GPT-2. Small random boundary projections start p_t near 0.5.
 */
export function initialDlcmTensors(config: DlcmConfig, rng: Rng, initStd: number): Map<string, Tensor> {
  const tensors = new Map<string, Tensor>();
  for (const [name, shape] of dlcmTensorShapes(config)) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (name.endsWith('norm.weight')) data.fill(1);
    else {
      const layers = RESIDUAL_WRITERS.find(([pattern]) => pattern.test(name))?.[1](config);
      const std = name === 'null_concept' ? 1 : layers ? initStd / Math.sqrt(2 * layers) : initStd;
      for (let i = 0; i < data.length; i++) data[i] = std * rng.normal();
    }
    tensors.set(name, f32(shape, data));
  }
  return tensors;
}

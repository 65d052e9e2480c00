// Tokens per second of DLCM generation with the token- and concept-level caches against a loop that
// reruns the full forward over the whole prefix at every token (what the caches replace). Both run
// in this process on the best registered backend; the ratio is what to compare across machines.
//   node --conditions=@unmask/source --import tsx bench/generation.ts [--tokens 256] [--prompt 16] [--json]
import '@unmask/backend-ort';
import { parseArgs } from 'node:util';
import { f32Data, getBackend, i32, mulberry32 } from '@unmask/tensor';
import { type DlcmConfig, DlcmModel, dlcmWeightsFromTensors, generateDlcm, randomDlcmTensors } from '../src';

const { values } = parseArgs({
  options: {
    tokens: { type: 'string', default: '256' },
    prompt: { type: 'string', default: '16' },
    json: { type: 'boolean', default: false },
  },
});
const total = Number(values.tokens);
const promptLength = Number(values.prompt);
const newTokens = total - promptLength;

const stage = (numLayers: number, numHeads: number, intermediateSize: number, width: number) => ({
  numLayers,
  numHeads,
  numKvHeads: numHeads / 2,
  headDim: width / numHeads,
  intermediateSize,
});
const config: DlcmConfig = {
  vocabSize: 4096,
  dToken: 256,
  encoder: stage(2, 4, 768, 256),
  decoder: stage(2, 4, 768, 256),
  conceptPath: {
    dConcept: 512,
    backbone: stage(4, 8, 1536, 512),
    crossAttention: { numHeads: 4, numKvHeads: 2, headDim: 64 },
    boundary: { kind: 'learned' },
    compressionRatio: 4,
  },
  ropeTheta: 10000,
  normEps: 1e-6,
  maxPositions: Math.max(512, total),
  tiedEmbeddings: false,
  bosTokenId: undefined,
  eosTokenId: undefined,
  padTokenId: undefined,
};
const backend = getBackend();
const model = new DlcmModel(backend, config, dlcmWeightsFromTensors(randomDlcmTensors(config, 1), config));
const random = mulberry32(2);
const prompt = Array.from({ length: promptLength }, () => Math.floor(random() * config.vocabSize));

function cached(maxNewTokens: number): number[] {
  return generateDlcm(model, prompt, { maxNewTokens, eosTokenId: null }).ids;
}

function recomputed(maxNewTokens: number): number[] {
  const ids = [...prompt];
  for (let n = 0; n < maxNewTokens; n++) {
    const logits = f32Data(model.forward(i32([1, ids.length], ids)).logits);
    let best = 0;
    for (let v = 1; v < config.vocabSize; v++) {
      if (
        logits[(ids.length - 1) * config.vocabSize + v]! > logits[(ids.length - 1) * config.vocabSize + best]!
      )
        best = v;
    }
    ids.push(best);
  }
  return ids.slice(prompt.length);
}

function timed(run: () => number[]): { ids: number[]; seconds: number } {
  const start = performance.now();
  const ids = run();
  return { ids, seconds: (performance.now() - start) / 1000 };
}

// Warm-up: onnxruntime builds a session per op and shape class on first use.
cached(8);
recomputed(8);
const withCache = timed(() => cached(newTokens));
const withoutCache = timed(() => recomputed(newTokens));
const concepts = model.forward(i32([1, total], [...prompt, ...withCache.ids])).segmentation!.counts[0]!;
const result = {
  backend: backend.name,
  promptTokens: promptLength,
  newTokens,
  concepts,
  sameIds: withCache.ids.join() === withoutCache.ids.join(),
  cachedTokensPerSecond: newTokens / withCache.seconds,
  recomputeTokensPerSecond: newTokens / withoutCache.seconds,
  speedup: withoutCache.seconds / withCache.seconds,
};
if (values.json) {
  console.log(JSON.stringify(result));
} else {
  console.log(
    `DLCM generation on ${result.backend}: ${promptLength} prompt + ${newTokens} new tokens, ${concepts} concepts`,
  );
  console.log(`  cached     ${result.cachedTokensPerSecond.toFixed(1)} tokens/s`);
  console.log(`  recompute  ${result.recomputeTokensPerSecond.toFixed(1)} tokens/s`);
  console.log(`  speedup    ${result.speedup.toFixed(1)}x (same ids: ${result.sameIds})`);
}

import { type ModelLoader, registerModelLoader } from '@unmask/transformer';
import { DLCM_MODEL_TYPE, type DlcmConfig, type StageConfig } from './config';
import { loadDlcm, readDlcmConfig } from './load';

/** Lets `@unmask/transformer`'s `loadAnyModel` (and so the CLI and the server) load DLCM folders. */
export const dlcmLoader: ModelLoader = {
  name: 'dlcm',
  modelTypes: [DLCM_MODEL_TYPE],
  load: loadDlcm,
  describe(dir) {
    const config = readDlcmConfig(dir);
    return { config, summary: summarizeDlcmConfig(config) };
  },
};

registerModelLoader(dlcmLoader);

/** `label  value` lines of a config, aligned as `unmask inspect` prints them. */
function summarizeDlcmConfig(config: DlcmConfig): string[] {
  const { boundary, crossAttention: cross } = config;
  const stage = (s: StageConfig, width: number) =>
    `${s.numLayers} layers, width ${width}, FFN ${s.intermediateSize}, ` +
    `${s.numHeads} heads / ${s.numKvHeads} KV heads x ${s.headDim}`;
  const detector = boundary.kind === 'rule' ? `rule (tau ${boundary.tau})` : 'learned';
  return [
    `encoder     ${stage(config.encoder, config.dToken)}`,
    `backbone    ${stage(config.backbone, config.dConcept)}`,
    `decoder     ${stage(config.decoder, config.dToken)}`,
    `concepts    ${detector} boundaries, compression ratio ${config.compressionRatio}, ` +
      `cross-attention ${cross.numHeads} heads / ${cross.numKvHeads} KV heads x ${cross.headDim}`,
    `vocabulary  ${config.vocabSize}, EOS ${config.eosTokenId ?? 'none'}, ` +
      `${config.maxPositions} positions, RoPE theta ${config.ropeTheta}`,
  ];
}

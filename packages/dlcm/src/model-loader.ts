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
  const stage = (s: StageConfig, width: number) =>
    `${s.numLayers} layers, width ${width}, FFN ${s.intermediateSize}, ` +
    `${s.numHeads} heads / ${s.numKvHeads} KV heads x ${s.headDim}`;
  const path = config.conceptPath;
  const conceptLines = (): string[] => {
    if (!path) return [`concepts    none (token-only baseline)`];
    const { boundary, crossAttention: cross } = path;
    const detector = boundary.kind === 'rule' ? `rule (tau ${boundary.tau})` : 'learned';
    return [
      `concepts    ${detector} boundaries, compression ratio ${path.compressionRatio}, ` +
        `cross-attention ${cross.numHeads} heads / ${cross.numKvHeads} KV heads x ${cross.headDim}`,
    ];
  };
  return [
    `encoder     ${stage(config.encoder, config.dToken)}`,
    ...(path ? [`backbone    ${stage(path.backbone, path.dConcept)}`] : []),
    `decoder     ${stage(config.decoder, config.dToken)}`,
    ...conceptLines(),
    `vocabulary  ${config.vocabSize}, EOS ${config.eosTokenId ?? 'none'}, ` +
      `${config.maxPositions} positions, RoPE theta ${config.ropeTheta}`,
  ];
}

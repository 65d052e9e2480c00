import { readTokenizerSource } from './load';
import { sampleCorpus } from './sample-corpus';
import { Tokenizer } from './tokenizer';

export interface TokenizerBenchOptions {
  /** Model directory or tokenizer.json path. */
  path: string;
  /** Text to encode; default: `sampleCorpus({ bytes: textBytes, seed })`. */
  text?: string;
  textBytes?: number;
  seed?: number;
  /** Time each implementation for at least this long (after one warm-up run). Default 2. */
  minSeconds?: number;
}

export interface ImplementationTiming {
  /** Steady state: word caches warm after the warm-up run. */
  tokensPerSecond: number;
  /** The first encode on a fresh instance. */
  coldTokensPerSecond: number;
  runs: number;
  loadSeconds: number;
}

export interface TokenizerBenchResult {
  path: string;
  textBytes: number;
  tokens: number;
  /** Both produced the same ids. */
  identical: boolean;
  ours: ImplementationTiming;
  huggingface: ImplementationTiming;
  /** ours / huggingface, steady state. */
  speedup: number;
}

type Encode = (text: string) => number[];

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

function timeLoad<T>(create: () => T): { value: T; loadSeconds: number } {
  const start = process.hrtime.bigint();
  const value = create();
  return { value, loadSeconds: seconds(start) };
}

/**
 * Encodes the same text with this package and with @huggingface/tokenizers (loaded only here), in one
 * process, alternating runs so that machine noise hits both alike. Returns tokens/s of each.
 */
export async function benchTokenizer(options: TokenizerBenchOptions): Promise<TokenizerBenchResult> {
  const { Tokenizer: HuggingFaceTokenizer } = await import('@huggingface/tokenizers');
  const source = await readTokenizerSource(options.path);
  const text = options.text ?? sampleCorpus({ bytes: options.textBytes ?? 1 << 20, seed: options.seed ?? 1 });
  const minSeconds = options.minSeconds ?? 2;

  const ours = timeLoad(() => new Tokenizer(source.tokenizerJson, source.config, source.file));
  const theirs = timeLoad(() => new HuggingFaceTokenizer(source.tokenizerJson, source.config));
  const encoders: Encode[] = [
    (t) => ours.value.encode(t, { addSpecialTokens: false }),
    (t) => theirs.value.encode(t, { add_special_tokens: false }).ids,
  ];

  const cold = encoders.map((encode) => {
    const start = process.hrtime.bigint();
    const ids = encode(text);
    return { ids, seconds: seconds(start) };
  });
  const [ourIds, theirIds] = [cold[0]!.ids, cold[1]!.ids];
  const identical = ourIds.length === theirIds.length && ourIds.every((id, i) => id === theirIds[i]);

  const totals = [0, 0];
  const runs = [0, 0];
  while (Math.min(...totals) < minSeconds) {
    encoders.forEach((encode, which) => {
      const start = process.hrtime.bigint();
      encode(text);
      totals[which]! += seconds(start);
      runs[which]!++;
    });
  }
  const tokens = ourIds.length;
  const timing = (which: number, loadSeconds: number): ImplementationTiming => ({
    tokensPerSecond: (tokens * runs[which]!) / totals[which]!,
    coldTokensPerSecond: tokens / cold[which]!.seconds,
    runs: runs[which]!,
    loadSeconds,
  });
  const oursTiming = timing(0, ours.loadSeconds);
  const huggingface = timing(1, theirs.loadSeconds);
  return {
    path: options.path,
    textBytes: Buffer.byteLength(text, 'utf8'),
    tokens,
    identical,
    ours: oursTiming,
    huggingface,
    speedup: oursTiming.tokensPerSecond / huggingface.tokensPerSecond,
  };
}

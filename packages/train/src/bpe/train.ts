import { BYTE_TO_CHAR_CODE } from '@unmask/tokenizer';
import { GPT2_SPLIT } from './byte-level';

/** The 256 byte tokens, each as its GPT-2 character. */
const BYTE_CHARS = Array.from(BYTE_TO_CHAR_CODE, (code) => String.fromCharCode(code));

export interface BpeTrainingOptions {
  /** Size of the whole vocabulary: the 256 bytes, the merges and the special tokens. */
  vocabSize: number;
  /** Added after the merged tokens, in this order (e.g. an EOS and a mask token). */
  specialTokens: readonly string[];
  /** A pair seen fewer times than this is never merged (so the vocabulary may come out smaller). Default 2. */
  minFrequency?: number;
}

/** A trained byte-level BPE: token strings by id (bytes as GPT-2 characters) and merges in rank order. */
export interface BpeVocabulary {
  tokens: string[];
  merges: [string, string][];
  /** The special tokens' ids, after the merged tokens. */
  specialTokens: { content: string; id: number }[];
}

/** Pair keys pack two ids (< 2^16) into one number. */
const pairKey = (a: number, b: number) => a * 65536 + b;

/**
 * Learns byte-level BPE merges the classic way (Sennrich et al., GPT-2): split the text into words with
 * GPT-2's pre-tokenizer, start from one token per byte, and repeatedly merge the most frequent adjacent
 * pair, counted over word frequencies (ties: the pair of lower ids). Pair counts are updated only for
 * the words a merge touches.
 */
export function trainBpe(text: string, options: BpeTrainingOptions): BpeVocabulary {
  const minFrequency = options.minFrequency ?? 2;
  const mergeBudget = options.vocabSize - BYTE_CHARS.length - options.specialTokens.length;
  if (mergeBudget < 0 || options.vocabSize > 65536) {
    throw new RangeError(
      `vocabulary size ${options.vocabSize} must be in [${256 + options.specialTokens.length}, 65536]`,
    );
  }
  const wordCounts = new Map<string, number>();
  for (const [word] of text.matchAll(GPT2_SPLIT)) wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
  const encoder = new TextEncoder();
  const words = [...wordCounts.keys()].map((word) => [...encoder.encode(word)]);
  const counts = [...wordCounts.values()];

  const pairCounts = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const countPairs = (w: number, sign: 1 | -1) => {
    const symbols = words[w]!;
    for (let i = 0; i + 1 < symbols.length; i++) {
      const key = pairKey(symbols[i]!, symbols[i + 1]!);
      const count = (pairCounts.get(key) ?? 0) + sign * counts[w]!;
      if (count === 0) pairCounts.delete(key);
      else pairCounts.set(key, count);
      if (sign === 1) {
        const set = pairWords.get(key);
        if (set) set.add(w);
        else pairWords.set(key, new Set([w]));
      }
    }
  };
  for (let w = 0; w < words.length; w++) countPairs(w, 1);

  const tokens = [...BYTE_CHARS];
  const merges: [string, string][] = [];
  while (merges.length < mergeBudget) {
    let best = -1;
    let bestCount = minFrequency - 1;
    for (const [key, count] of pairCounts) {
      if (count > bestCount || (count === bestCount && count >= minFrequency && key < best)) {
        best = key;
        bestCount = count;
      }
    }
    if (best < 0) break;
    const a = Math.floor(best / 65536);
    const b = best % 65536;
    const merged = tokens.length;
    tokens.push(tokens[a]! + tokens[b]!);
    merges.push([tokens[a]!, tokens[b]!]);
    // Entries of words that no longer hold the pair are stale; merging them changes nothing.
    for (const w of pairWords.get(best)!) {
      const symbols = words[w]!;
      if (!symbols.some((s, i) => s === a && symbols[i + 1] === b)) continue;
      countPairs(w, -1);
      const next: number[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (symbols[i] === a && symbols[i + 1] === b) {
          next.push(merged);
          i++;
        } else {
          next.push(symbols[i]!);
        }
      }
      words[w] = next;
      countPairs(w, 1);
    }
    pairCounts.delete(best);
    pairWords.delete(best);
  }
  const specialTokens = options.specialTokens.map((content, i) => ({ content, id: tokens.length + i }));
  return { tokens, merges, specialTokens };
}

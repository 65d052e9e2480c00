import { conceptSegments, type DlcmModel } from '@unmask/dlcm';
import type { Tokenizer } from '@unmask/tokenizer';

/** How often a kind of token position holds a boundary, against how common the position is. */
export interface PositionShare {
  /** Share of the boundaries (after each window's first token) that fall on such a position. */
  boundaries: number;
  /** Share of all tokens (after each window's first) that are such a position. */
  tokens: number;
}

export interface BoundaryPlacement {
  tokens: number;
  concepts: number;
  /** The token begins with whitespace (a new word, or a line break). */
  wordStart: PositionShare;
  /** The previous token ends a line. */
  lineStart: PositionShare;
  /** The previous token ends with . , ; : ! or ?. */
  afterPunctuation: PositionShare;
  /** Held-out passages with `|` between concepts. */
  examples: string[];
}

const EXAMPLES = 3;
const EXAMPLE_TOKENS = 48;

/**
 * Cuts `count` evenly spaced held-out windows of `seqLen` tokens into concepts (the inference rule)
 * and reports where the boundaries fall. A window's first token is always a boundary, so it is left
 * out of every share.
 */
export function boundaryPlacement(
  model: DlcmModel,
  tokenizer: Tokenizer,
  heldOut: string,
  seqLen: number,
  count: number,
): BoundaryPlacement {
  const ids = tokenizer.encode(heldOut, { addSpecialTokens: false });
  const stride = Math.max(seqLen, Math.floor((ids.length - seqLen) / Math.max(1, count - 1)));
  const texts = new Map<number, string>();
  const textOf = (id: number) => {
    const known = texts.get(id);
    if (known !== undefined) return known;
    const text = tokenizer.decode([id]);
    texts.set(id, text);
    return text;
  };
  const kinds: Record<
    'wordStart' | 'lineStart' | 'afterPunctuation',
    (text: string, previous: string) => boolean
  > = {
    wordStart: (text) => /^\s/.test(text),
    lineStart: (_: string, previous: string) => previous.endsWith('\n'),
    afterPunctuation: (_: string, previous: string) => /[.,;:!?]$/.test(previous),
  };
  const counts = { wordStart: [0, 0], lineStart: [0, 0], afterPunctuation: [0, 0] };
  let tokens = 0;
  let concepts = 0;
  let windows = 0;
  const examples: string[] = [];
  for (let start = 0, w = 0; w < count && start + seqLen <= ids.length; w++, start += stride) {
    const window = ids.slice(start, start + seqLen);
    const { boundaries, segments } = conceptSegments(model, window);
    const isBoundary = new Set(boundaries);
    windows++;
    tokens += window.length;
    concepts += segments.length;
    for (let t = 1; t < window.length; t++) {
      const text = textOf(window[t]!);
      const previous = textOf(window[t - 1]!);
      for (const [kind, test] of Object.entries(kinds) as [
        keyof typeof kinds,
        (typeof kinds)['wordStart'],
      ][]) {
        if (!test(text, previous)) continue;
        counts[kind][1]!++;
        if (isBoundary.has(t)) counts[kind][0]!++;
      }
    }
    if (examples.length < EXAMPLES) {
      examples.push(
        segments
          .filter((s) => s.start < EXAMPLE_TOKENS)
          .map((s) => tokenizer.decode(window.slice(s.start, Math.min(s.end, EXAMPLE_TOKENS))))
          .join('|'),
      );
    }
  }
  const boundaryCount = concepts - windows;
  const positions = tokens - windows;
  const share = ([hits, all]: number[]): PositionShare => ({
    boundaries: hits! / Math.max(1, boundaryCount),
    tokens: all! / Math.max(1, positions),
  });
  return {
    tokens,
    concepts,
    wordStart: share(counts.wordStart),
    lineStart: share(counts.lineStart),
    afterPunctuation: share(counts.afterPunctuation),
    examples,
  };
}

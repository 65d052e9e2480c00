import { conceptSegments, type DlcmModel } from '@unmask/dlcm';
import type { Tokenizer } from '@unmask/tokenizer';
import { formatTable, printJson } from './output';

/** One concept of a text: tokens [start, end), their text, and p_t of its first token. */
export interface TextConcept {
  start: number;
  end: number;
  text: string;
  probability: number;
}

/** The concepts a DLCM cuts `text` into (tokenized without special tokens). */
export function textConcepts(
  model: DlcmModel,
  tokenizer: Tokenizer,
  text: string,
): { ids: number[]; concepts: TextConcept[] } {
  const ids = tokenizer.encode(text, { addSpecialTokens: false });
  const { probabilities, segments } = conceptSegments(model, ids);
  const concepts = segments.map(({ start, end }) => ({
    start,
    end,
    text: tokenizer.decode(ids.slice(start, end)),
    probability: probabilities[start]!,
  }));
  return { ids, concepts };
}

/**
 * Prints the text with `|` between concepts, then one row per concept; with --json the last line is
 * {"ids","segments":[{"start","end","text","probability"}]} (end exclusive).
 */
export function printConcepts(
  { ids, concepts }: { ids: number[]; concepts: TextConcept[] },
  json: boolean,
): void {
  if (json) {
    printJson({ ids, segments: concepts });
    return;
  }
  const rows = concepts.map((c, j) => [
    j,
    `${c.start}..${c.end - 1}`,
    c.probability.toFixed(3),
    JSON.stringify(c.text),
  ]);
  process.stdout.write(
    `${concepts.map((c) => c.text).join('|')}\n\n` +
      `${ids.length} tokens in ${concepts.length} concepts\n` +
      `${formatTable(['concept', 'tokens', 'p_t', 'text'], rows)}\n`,
  );
}

import type { JsonFields } from './json-fields';

/** A token matched in the raw text before the model sees it (special tokens, chat markers, ...). */
export interface AddedToken {
  id: number;
  content: string;
  /** Skipped by `decode(ids, { skipSpecialTokens: true })`. */
  special: boolean;
  /** Matched after normalization, against the normalized content (else against the raw text). */
  normalized: boolean;
  /** Swallows the whitespace on its left / right. */
  lstrip: boolean;
  rstrip: boolean;
  /** Matches only where it is not glued to a word character on either side. */
  singleWord: boolean;
}

function parseAddedToken(fields: JsonFields): AddedToken {
  const special = fields.boolean('special', false);
  return {
    id: fields.integer('id'),
    content: fields.string('content'),
    special,
    normalized: fields.boolean('normalized', !special),
    lstrip: fields.boolean('lstrip', false),
    rstrip: fields.boolean('rstrip', false),
    singleWord: fields.boolean('single_word', false),
  };
}

const WORD_CHAR = /[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]/u;
const WHITESPACE = /\p{White_Space}/u;

function codePointBefore(text: string, index: number): string {
  const low = text.charCodeAt(index - 1);
  const start = low >= 0xdc00 && low <= 0xdfff && index >= 2 ? index - 2 : index - 1;
  return text.slice(start, index);
}

/**
 * Finds added tokens in text, leftmost-longest as the Rust crate's Aho-Corasick matcher does, with its
 * single_word / lstrip / rstrip rules.
 */
export class AddedTokenMatcher {
  private readonly pattern: RegExp | null;
  private readonly byContent = new Map<string, AddedToken>();

  /** `contentOf` gives the string to look for (the normalized content for normalized tokens). */
  constructor(tokens: readonly AddedToken[], contentOf: (token: AddedToken) => string = (t) => t.content) {
    for (const token of tokens) {
      const content = contentOf(token);
      if (content.length > 0 && !this.byContent.has(content)) this.byContent.set(content, token);
    }
    // Longest first: at a given position the regex takes the first alternative that matches.
    const contents = [...this.byContent.keys()].sort((a, b) => b.length - a.length);
    const escaped = contents.map((content) => content.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
    this.pattern = contents.length > 0 ? new RegExp(escaped.join('|'), 'g') : null;
  }

  /**
   * Calls `onText` for each stretch between tokens (with its offset in `text`) and `onToken` for each
   * token, in order. Stripped whitespace is reported to neither.
   */
  split(
    text: string,
    onText: (segment: string, offset: number) => void,
    onToken: (token: AddedToken) => void,
  ): void {
    const pattern = this.pattern;
    if (!pattern) {
      if (text.length > 0) onText(text, 0);
      return;
    }
    let done = 0;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      const token = this.byContent.get(match[0])!;
      let start = match.index;
      let end = start + match[0].length;
      if (token.singleWord && !this.isSingleWord(text, start, end)) {
        pattern.lastIndex = end;
        continue;
      }
      if (token.lstrip) {
        while (start > done && WHITESPACE.test(codePointBefore(text, start)))
          start -= codePointBefore(text, start).length;
      }
      if (token.rstrip) {
        while (end < text.length && WHITESPACE.test(String.fromCodePoint(text.codePointAt(end)!))) {
          end += text.codePointAt(end)! > 0xffff ? 2 : 1;
        }
        pattern.lastIndex = end;
      }
      if (start > done) onText(text.slice(done, start), done);
      onToken(token);
      done = end;
    }
    if (done < text.length) onText(text.slice(done), done);
  }

  private isSingleWord(text: string, start: number, end: number): boolean {
    const before = start > 0 && WORD_CHAR.test(codePointBefore(text, start));
    const after = end < text.length && WORD_CHAR.test(String.fromCodePoint(text.codePointAt(end)!));
    return !before && !after;
  }
}

/** Reads tokenizer.json's `added_tokens` list. */
export function parseAddedTokens(fields: JsonFields): AddedToken[] {
  return fields.has('added_tokens') ? fields.objects('added_tokens').map(parseAddedToken) : [];
}

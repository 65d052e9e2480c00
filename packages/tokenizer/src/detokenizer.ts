/** Turns ids arriving one at a time into text, never emitting half of a character. */
export interface Detokenizer {
  /** Adds one id; returns the text it completed (often "", e.g. for the first bytes of an emoji). */
  push(id: number): string;
  /** Returns whatever is still held back (an incomplete sequence comes out as U+FFFD) and starts over. */
  flush(): string;
}

/**
 * Streams `decode`: each push decodes a small window of recent ids and emits the part beyond the window's
 * already-emitted prefix. Text ending in U+FFFD is held back: the next ids may complete the character.
 * Decoding the prefix along with the new ids keeps position-dependent decoders (Metaspace dropping the
 * first token's leading space) right. The pieces add up to `decode(allIds)`.
 */
export function createDetokenizer(decode: (ids: number[]) => string): Detokenizer {
  /** The window starts at the first id of the previously emitted text. */
  let window: number[] = [];
  /** Ids of the window already emitted. */
  let emitted = 0;
  return {
    push(id) {
      window.push(id);
      const prefix = decode(window.slice(0, emitted));
      const text = decode(window);
      if (text.length <= prefix.length || text.endsWith('\uFFFD')) return '';
      window = window.slice(emitted);
      emitted = window.length;
      return text.slice(prefix.length);
    },
    flush() {
      const rest = decode(window).slice(decode(window.slice(0, emitted)).length);
      window = [];
      emitted = 0;
      return rest;
    },
  };
}

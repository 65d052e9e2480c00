import type { Detokenizer, Tokenizer } from '@unmask/tokenizer';

/**
 * The response text of a sampler that may commit tokens out of order (a diffusion LM): only the
 * longest committed prefix is text yet, and the text ends at the first EOS or just before the first
 * stop sequence. `commit` returns the text the prefix gained, holding back a tail that could be the
 * start of a stop sequence; the pieces add up to the final text.
 */
export class CommittedText {
  private readonly slots: (number | undefined)[];
  /** Response slots [0, prefix) are committed and turned into text. */
  private prefix = 0;
  private eosAt: number | undefined;
  /** Where each turned token's text starts in `decoded`. */
  private readonly tokenStarts: number[] = [];
  /** The committed prefix's text; `emitted` is the part of it released so far. */
  private decoded = '';
  private emitted = '';
  private stopAt: number | undefined;
  private readonly detokenizer: Detokenizer;
  private readonly holdBack: number;

  constructor(
    tokenizer: Tokenizer,
    private readonly promptLength: number,
    genLength: number,
    private readonly eosTokenId: number | undefined,
    private readonly stops: readonly string[] = [],
  ) {
    this.slots = new Array(genLength).fill(undefined);
    this.detokenizer = tokenizer.createDetokenizer({ skipSpecialTokens: true });
    this.holdBack = Math.max(0, ...stops.map((stop) => stop.length - 1));
  }

  /** Records [absolute position, id] pairs; returns the text the committed prefix gained. */
  commit(pairs: readonly (readonly [number, number])[]): string {
    for (const [position, id] of pairs) this.slots[position - this.promptLength] = id;
    while (this.eosAt === undefined && this.prefix < this.slots.length) {
      const id = this.slots[this.prefix];
      if (id === undefined) break;
      if (id === this.eosTokenId) this.eosAt = this.prefix;
      else {
        this.tokenStarts.push(this.decoded.length);
        this.decoded += this.detokenizer.push(id);
      }
      this.prefix++;
    }
    return this.release(false);
  }

  /** Commits the whole response; returns the rest of the text, held-back bytes included. */
  complete(response: readonly number[]): string {
    const text = this.commit(response.map((id, i) => [this.promptLength + i, id] as const));
    if (this.stopAt === undefined) this.decoded += this.detokenizer.flush();
    return text + this.release(true);
  }

  /** Releases the decoded text up to a stop sequence, or up to the held-back tail (all of it when `final`). */
  private release(final: boolean): string {
    if (this.stopAt !== undefined) return '';
    const at = this.firstStop();
    if (at !== undefined) this.stopAt = at;
    const end = at ?? (final ? this.decoded.length : Math.max(0, this.decoded.length - this.holdBack));
    if (end <= this.emitted.length) return '';
    const text = this.decoded.slice(this.emitted.length, end);
    this.emitted += text;
    return text;
  }

  private firstStop(): number | undefined {
    let first: number | undefined;
    for (const stop of this.stops) {
      const at = this.decoded.indexOf(stop, Math.max(0, this.emitted.length - this.holdBack));
      if (at >= 0 && (first === undefined || at < first)) first = at;
    }
    return first;
  }

  /** All the text released so far (after `complete`: the response's text). */
  get text(): string {
    return this.emitted;
  }

  /** Tokens of the text: those before the first EOS, or those whose text starts before the stop sequence. */
  get tokenCount(): number {
    if (this.stopAt !== undefined) return this.tokenStarts.filter((start) => start < this.stopAt!).length;
    return this.eosAt ?? this.prefix;
  }

  /** 'stop' when the model wrote EOS or a stop sequence, 'length' when it filled the response. */
  get finishReason(): 'stop' | 'length' {
    return this.eosAt === undefined && this.stopAt === undefined ? 'length' : 'stop';
  }
}

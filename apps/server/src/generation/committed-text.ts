import type { Detokenizer, Tokenizer } from '@unmask/tokenizer';

/**
 * The response text of a diffusion sampler, which commits tokens out of order: only the longest
 * committed prefix is text yet, and the text ends at the first EOS. `commit` returns the text the
 * prefix gained; the pieces add up to the final text.
 */
export class CommittedText {
  private readonly slots: (number | undefined)[];
  /** Response slots [0, prefix) are committed and turned into text. */
  private prefix = 0;
  private eosAt: number | undefined;
  private emitted = '';
  private readonly detokenizer: Detokenizer;

  constructor(
    tokenizer: Tokenizer,
    private readonly promptLength: number,
    genLength: number,
    private readonly eosTokenId: number | undefined,
  ) {
    this.slots = new Array(genLength).fill(undefined);
    this.detokenizer = tokenizer.createDetokenizer({ skipSpecialTokens: true });
  }

  /** Records [absolute position, id] pairs; returns the text the committed prefix gained. */
  commit(pairs: readonly (readonly [number, number])[]): string {
    for (const [position, id] of pairs) this.slots[position - this.promptLength] = id;
    let text = '';
    while (this.eosAt === undefined && this.prefix < this.slots.length) {
      const id = this.slots[this.prefix];
      if (id === undefined) break;
      if (id === this.eosTokenId) this.eosAt = this.prefix;
      else text += this.detokenizer.push(id);
      this.prefix++;
    }
    this.emitted += text;
    return text;
  }

  /** Commits the whole response; returns the rest of the text, held-back bytes included. */
  complete(response: readonly number[]): string {
    const text = this.commit(response.map((id, i) => [this.promptLength + i, id] as const));
    const held = this.detokenizer.flush();
    this.emitted += held;
    return text + held;
  }

  /** All the text so far (after `complete`: the response's text). */
  get text(): string {
    return this.emitted;
  }

  /** Tokens of the text: those before the first EOS. */
  get tokenCount(): number {
    return this.eosAt ?? this.prefix;
  }

  /** 'stop' when the model wrote EOS, 'length' when it filled the response. */
  get finishReason(): 'stop' | 'length' {
    return this.eosAt === undefined ? 'length' : 'stop';
  }
}

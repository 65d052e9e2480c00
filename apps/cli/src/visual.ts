import type { Tokenizer } from '@unmask/tokenizer';

const MASK_GLYPH = '░';

/**
 * Redraws the response on stderr after every step: committed tokens as text, masked positions as
 * shaded blocks. Only on a terminal; elsewhere it stays silent.
 */
export class CanvasView {
  private drawnLines = 0;
  private readonly enabled = process.stderr.isTTY === true;

  constructor(
    private readonly promptLength: number,
    private readonly maskId: number,
    private readonly render: (id: number) => string,
  ) {}

  static forTokenizer(promptLength: number, maskId: number, tokenizer: Tokenizer | undefined): CanvasView {
    const render = tokenizer ? (id: number) => tokenizer.decode([id]) : (id: number) => `[${id}]`;
    return new CanvasView(promptLength, maskId, render);
  }

  draw(canvas: Int32Array, step: number): void {
    if (!this.enabled) return;
    let text = '';
    for (let i = this.promptLength; i < canvas.length; i++) {
      text += canvas[i] === this.maskId ? MASK_GLYPH : this.render(canvas[i]!);
    }
    const frame = `step ${step}\n${text}`;
    const clear = this.drawnLines > 0 ? `\x1b[${this.drawnLines}F\x1b[J` : '';
    process.stderr.write(`${clear}${frame}\n`);
    const columns = process.stderr.columns || 80;
    this.drawnLines = frame
      .split('\n')
      .reduce((n, line) => n + Math.max(1, Math.ceil(line.length / columns)), 0);
  }

  /** Erases the last frame. */
  clear(): void {
    if (this.drawnLines > 0) process.stderr.write(`\x1b[${this.drawnLines}F\x1b[J`);
    this.drawnLines = 0;
  }
}

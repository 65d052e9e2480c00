/**
 * A one-line progress bar on stderr, redrawn at most every 100 ms, and only when stderr is a
 * terminal (pipes and CI logs get no bar, only the final status lines).
 */
export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;
  private readonly enabled = process.stderr.isTTY === true;

  constructor(private readonly label: string) {}

  update(done: number, total: number, detail = ''): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.lastDraw < 100 && done < total) return;
    this.lastDraw = now;
    this.drawn = true;
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    const width = 30;
    const filled = Math.round(fraction * width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
    process.stderr.write(
      `\r${this.label} [${bar}] ${(fraction * 100).toFixed(0).padStart(3)}% ${detail}\x1b[K`,
    );
  }

  /** Ends the bar's line (when one was drawn). */
  finish(): void {
    if (this.drawn) process.stderr.write('\n');
    this.drawn = false;
  }
}

/**
 * Splits a corpus into training text and the held-out tail (a fraction of its characters), cutting at
 * the first line break at or after the boundary so that no line is split.
 */
export function splitCorpus(text: string, heldOutFraction: number): { train: string; validation: string } {
  if (!(heldOutFraction > 0 && heldOutFraction < 1)) {
    throw new RangeError(`held-out fraction must be in (0, 1), got ${heldOutFraction}`);
  }
  const boundary = Math.floor(text.length * (1 - heldOutFraction));
  const lineBreak = text.indexOf('\n', boundary);
  const cut = lineBreak < 0 ? boundary : lineBreak + 1;
  return { train: text.slice(0, cut), validation: text.slice(cut) };
}

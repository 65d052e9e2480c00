/**
 * Tokens to commit at each of a block's steps, as LLaDA's `get_num_transfer_tokens`: the block's
 * masked count split evenly over its steps, the remainder going to the first steps.
 */
export function numTransferTokens(masked: number, steps: number): number[] {
  const base = Math.floor(masked / steps);
  const remainder = masked % steps;
  return Array.from({ length: steps }, (_, i) => base + (i < remainder ? 1 : 0));
}

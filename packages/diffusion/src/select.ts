/** A masked position the sampler may commit: the token it would write and how sure it is. */
export interface Candidate {
  position: number;
  token: number;
  confidence: number;
}

/** Highest confidence first; the lower position first on equal confidence. */
function byConfidence(a: Candidate, b: Candidate): number {
  return b.confidence - a.confidence || a.position - b.position;
}

/** The `count` most confident candidates (as `torch.topk` over the confidences). */
export function mostConfident(candidates: readonly Candidate[], count: number): Candidate[] {
  return [...candidates].sort(byConfidence).slice(0, count);
}

/**
 * Fast-dLLM's parallel decoding: every candidate whose confidence reaches `threshold`, and the most
 * confident one even when none does, so each step commits at least one token.
 */
export function aboveThreshold(candidates: readonly Candidate[], threshold: number): Candidate[] {
  const sorted = [...candidates].sort(byConfidence);
  return sorted.filter((c, i) => i === 0 || c.confidence >= threshold);
}

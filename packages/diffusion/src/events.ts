/** What one denoising step did. */
export interface StepEvent {
  /** 0-based step of the request. */
  step: number;
  /** 0-based block (always 0 for samplers without blocks). */
  block: number;
  /** [absolute position in prompt + response, token id], ascending positions. */
  committed: [position: number, id: number][];
  /** Prompt + response after the step (a copy). */
  canvas: Int32Array;
  /** FLOPs the cache policy executed for this step. */
  flops: number;
}

export interface GenerationResult {
  /** Prompt + response. */
  sequence: Int32Array;
  /** The response alone (genLength ids; EOS kept). */
  response: Int32Array;
  /** Denoising steps run. */
  steps: number;
  /** FLOPs the cache policy executed over the request. */
  flops: number;
}

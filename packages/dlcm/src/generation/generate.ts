import type { DlcmModel } from '../model';
import { DlcmGenerationError } from './errors';
import { type SamplingOptions, tokenPicker } from './sampling';
import { DlcmSession } from './session';

/** One generated token, emitted once it has been fed (so its boundary is known). */
export interface DlcmTokenEvent {
  id: number;
  position: number;
  /** The token is a boundary: it started a new concept (and completed the previous one). */
  startsConcept: boolean;
  /** Segments begun so far, the token's own included. */
  conceptCount: number;
}

export interface GenerateDlcmOptions extends SamplingOptions {
  /** At most this many new tokens (a non-negative integer). */
  maxNewTokens: number;
  /** Stop after this token; default the config's `eos_token_id`; null never stops early. */
  eosTokenId?: number | null;
  onToken?: (event: DlcmTokenEvent) => void;
}

export type DlcmStopReason = 'eos' | 'max-new-tokens' | 'max-positions';

export interface DlcmGenerationResult {
  /** The new tokens (the EOS included when it stopped generation). */
  ids: number[];
  events: DlcmTokenEvent[];
  stopReason: DlcmStopReason;
  /** Holds the prompt and every new token: feed it more tokens to continue. */
  session: DlcmSession;
}

/**
 * Next-token generation with the token- and concept-level caches of `DlcmSession`: the prompt is
 * prefilled in one batch, then each new token is picked from the last logits (greedy at
 * temperature 0, else a seeded draw) and fed. Stops at EOS, after maxNewTokens, or when the
 * model's max_position_embeddings are used up.
 */
export function generateDlcm(
  model: DlcmModel,
  promptIds: readonly number[],
  options: GenerateDlcmOptions,
): DlcmGenerationResult {
  const steps = sampleDlcm(model, promptIds, options);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    options.onToken?.(next.value);
  }
}

/**
 * `generateDlcm` one token at a time: yields each new token once it is fed and returns the result,
 * so that a caller can stream tokens, interleave generations or stop early. The options are
 * checked at the first `next()`, before any work.
 */
export function* sampleDlcm(
  model: DlcmModel,
  promptIds: readonly number[],
  options: Omit<GenerateDlcmOptions, 'onToken'>,
): Generator<DlcmTokenEvent, DlcmGenerationResult> {
  const { maxNewTokens } = options;
  const { maxPositions } = model.config;
  if (!(Number.isInteger(maxNewTokens) && maxNewTokens >= 0))
    throw new DlcmGenerationError('maxNewTokens', maxNewTokens, 'must be a non-negative integer');
  const eos = eosToken(model, options.eosTokenId);
  const pick = tokenPicker(options);
  if (promptIds.length === 0) throw new DlcmGenerationError('promptIds', promptIds, 'the prompt is empty');
  if (promptIds.length > maxPositions) {
    throw new DlcmGenerationError(
      'promptIds',
      promptIds,
      `a prompt of ${promptIds.length} tokens exceeds the model's ${maxPositions} positions`,
    );
  }
  const session = new DlcmSession(model);
  let logits = session.feed(promptIds).logits;
  const ids: number[] = [];
  const events: DlcmTokenEvent[] = [];
  const finish = (stopReason: DlcmStopReason) => ({ ids, events, stopReason, session });
  for (;;) {
    if (ids.length === maxNewTokens) return finish('max-new-tokens');
    if (session.length === maxPositions) return finish('max-positions');
    const id = pick(logits);
    const fed = session.feed([id]);
    const token = fed.tokens[0]!;
    const event = {
      id,
      position: token.position,
      startsConcept: token.startsConcept,
      conceptCount: token.conceptCount,
    };
    ids.push(id);
    events.push(event);
    yield event;
    if (id === eos) return finish('eos');
    logits = fed.logits;
  }
}

function eosToken(model: DlcmModel, option: number | null | undefined): number | undefined {
  if (option === null) return undefined;
  if (option === undefined) return model.config.eosTokenId;
  if (!(Number.isInteger(option) && option >= 0 && option < model.config.vocabSize))
    throw new DlcmGenerationError('eosTokenId', option, `must be a token id below ${model.config.vocabSize}`);
  return option;
}

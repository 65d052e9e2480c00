import type { Tokenizer } from '@unmask/tokenizer';

/** A speaker line as a play script writes one: capitalised words and a colon (`ROMEO:`, `First Citizen:`). */
const SPEAKER_LINE = /^[A-Z][A-Za-z']*(?: [A-Z][A-Za-z']*)*:\n$/;

/**
 * Whether the chat template writes the assistant's turn as a speaker line, as in a play script.
 * There a blank line always ends a speech (in tinyshakespeare 7,217 of 7,222 blank lines are
 * followed by a speaker line), so the reply ends at the first one.
 */
export function usesSpeakerTurns(tokenizer: Tokenizer): boolean {
  const asked = [{ role: 'user', content: 'x' }];
  const turn = tokenizer.applyChatTemplate(asked);
  const withHeader = tokenizer.applyChatTemplate(asked, { addGenerationPrompt: true });
  return withHeader.startsWith(turn) && SPEAKER_LINE.test(withHeader.slice(turn.length));
}

/**
 * The reply in a generated response: the ids before the first special token (EOS, end of turn),
 * decoded and trimmed; with speaker turns, cut at the first blank line, where the model goes on to
 * the next speaker.
 */
export function replyText(tokenizer: Tokenizer, response: ArrayLike<number>, speakerTurns: boolean): string {
  const ids: number[] = [];
  for (const id of Array.from(response)) {
    if (tokenizer.isSpecialId(id)) break;
    ids.push(id);
  }
  const text = tokenizer.decode(ids).trimStart();
  const end = speakerTurns ? text.indexOf('\n\n') : -1;
  return (end === -1 ? text : text.slice(0, end)).trimEnd();
}

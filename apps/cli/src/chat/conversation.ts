import { UnmaskError } from '@unmask/tensor';
import type { ChatMessage, Tokenizer } from '@unmask/tokenizer';

/** A message that cannot fit the model's context even with every earlier turn dropped. */
export class MessageTooLongError extends UnmaskError {}

interface Turn {
  user: string;
  assistant: string;
}

/**
 * The turns of a chat so far, rendered with the model's chat template. The prompt must leave room
 * for the reply within the model's positions; the oldest turns are dropped until it does.
 */
export class Conversation {
  private turns: Turn[] = [];

  constructor(
    private readonly tokenizer: Tokenizer,
    private readonly contextLength: number,
    private readonly replyLength: number,
  ) {}

  /** Turns so far (a message and its reply each). */
  get turnCount(): number {
    return this.turns.length;
  }

  /** Prompt ids asking for the reply to `message`; `dropped` oldest turns were forgotten to make it fit. */
  promptFor(message: string): { ids: number[]; dropped: number } {
    const room = this.contextLength - this.replyLength;
    for (let dropped = 0; ; dropped++) {
      const ids = this.render(message);
      if (ids.length <= room) return { ids, dropped };
      if (this.turns.length === 0) {
        throw new MessageTooLongError(
          `the message takes ${ids.length} tokens with the chat template; a reply of ${this.replyLength} ` +
            `(--gen-length) leaves room for ${room} of the model's ${this.contextLength} positions`,
        );
      }
      this.turns.shift();
    }
  }

  record(user: string, assistant: string): void {
    this.turns.push({ user, assistant });
  }

  reset(): void {
    this.turns = [];
  }

  private render(message: string): number[] {
    const messages: ChatMessage[] = this.turns.flatMap((turn) => [
      { role: 'user', content: turn.user },
      { role: 'assistant', content: turn.assistant },
    ]);
    messages.push({ role: 'user', content: message });
    const text = this.tokenizer.applyChatTemplate(messages, { addGenerationPrompt: true });
    return this.tokenizer.encode(text, { addSpecialTokens: false });
  }
}

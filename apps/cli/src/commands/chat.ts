import { createInterface, type Interface } from 'node:readline';
import { parseArgs } from 'node:util';
import { UnmaskError } from '@unmask/tensor';
import { loadTokenizer, type Tokenizer, TokenizerFilesNotFoundError } from '@unmask/tokenizer';
import { Conversation } from '../chat/conversation';
import { replyText, usesSpeakerTurns } from '../chat/reply';
import { diffusionResponder, dlcmResponder, type Responder } from '../chat/responders';
import { type Command, EXIT } from '../command';
import { dlcmOf, loadAnyModelFrom, resolveModelArg } from '../model-arg';
import { nextTokenOptions } from '../next-token-options';
import { status } from '../output';
import { SAMPLER_FLAGS, SAMPLER_FLAGS_HELP } from '../sampler-flags';
import { samplerOptions } from './generate';

const commandsHelp = `Commands:
  /help    this list
  /reset   forget the conversation
  /exit    end the chat (also Ctrl-D at an empty prompt)
Keys: up/down recall earlier lines; Ctrl-C stops a generation (the chat goes on), clears a typed
line, and at an empty prompt ends the chat with exit code 130.`;

const help = `Usage: unmask chat [--model M] [options]

Chats with the model: type a message at the "> " prompt and its reply follows. The conversation is
rendered with the model's chat template (tokenizer_config.json's chat_template) and grows with
every turn; when the prompt and the reply would exceed the model's positions, the oldest turns are
dropped (said on stderr). A reply ends at the first special token (EOS); with a chat template whose
turns are speaker lines (a play script, as the shipped model's: you are ROMEO, it is JULIET), also
at the first blank line, where a play goes on to the next speaker.

${commandsHelp}
With input from a pipe, every line is a message and only the replies go to stdout; Ctrl-C then ends
the process (130).

A DLCM (a next-token model) replies token by token and takes --gen-length (the most new tokens),
--temperature, --top-k, --top-p and --seed only.

Options (the sampler's, as in unmask generate):
  --model M                 a model folder, org/name in the Hugging Face cache, or hf:org/name
                            (default: the model this repository ships, models/llada-shakespeare)
  --gen-length N            reply length in tokens (default 64)
  --block-length N          LLaDA block length (default: 32, or the reply length if smaller)
  --steps N                 denoising steps (default: the reply length)
${SAMPLER_FLAGS_HELP}
  --seed N                  random seed of every reply (default 0)
  --backend NAME            cpu or ort (default: the best available)
  --visual                  show the canvas unmasking instead of a progress bar (on a terminal)

Examples:
  unmask chat
  unmask chat --model GSAI-ML/LLaDA-8B-Instruct --gen-length 128 --policy dllm-cache`;

/** The model cannot chat: it has no tokenizer, or no chat template. */
export class NotAChatModelError extends UnmaskError {}

async function chatTokenizer(dir: string, modelName: string): Promise<Tokenizer> {
  let tokenizer: Tokenizer;
  try {
    tokenizer = await loadTokenizer(dir);
  } catch (error) {
    if (!(error instanceof TokenizerFilesNotFoundError)) throw error;
    throw new NotAChatModelError(
      `model ${modelName} has no tokenizer (looked for ${error.lookedFor.join(', ')}); chat needs one`,
    );
  }
  if (!tokenizer.chatTemplate) {
    throw new NotAChatModelError(
      `model ${modelName} has no chat template: its tokenizer_config.json has no "chat_template" to ` +
        `render the conversation with (unmask generate --prompt needs none)`,
    );
  }
  return tokenizer;
}

interface ChatSession {
  tokenizer: Tokenizer;
  respond: Responder;
  maxPositions: number;
  conversation: Conversation;
  speakerTurns: boolean;
}

export const chatCommand: Command = {
  name: 'chat',
  summary: 'chat with a model in the terminal',
  help,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: SAMPLER_FLAGS,
    });
    const resolved = await resolveModelArg(values.model);
    const tokenizer = await chatTokenizer(resolved.dir, values.model ?? resolved.dir);
    const speakerTurns = usesSpeakerTurns(tokenizer);
    const loaded = loadAnyModelFrom(resolved, values.backend);
    const maxPositions = loaded.model.config.maxPositions;
    let respond: Responder;
    let replyLength: number;
    if (loaded.kind === 'diffusion') {
      const { options } = samplerOptions(loaded.model, values);
      respond = diffusionResponder(loaded.model, options, tokenizer, values.visual);
      replyLength = options.genLength;
    } else {
      const options = nextTokenOptions(values, loaded.loader.name);
      respond = dlcmResponder(dlcmOf(loaded), options);
      replyLength = options.maxNewTokens;
    }
    const conversation = new Conversation(tokenizer, maxPositions, replyLength);
    await converse({ tokenizer, respond, maxPositions, conversation, speakerTurns });
  },
};

/** The read-reply loop: ends at /exit, Ctrl-D or the end of piped input; Ctrl-C at an empty prompt exits 130. */
async function converse(session: ChatSession): Promise<void> {
  const interactive = process.stdin.isTTY === true;
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: interactive,
    prompt: interactive ? '> ' : '',
    historySize: 200,
    removeHistoryDuplicates: true,
  });
  let generation: AbortController | undefined;
  let closed = false;
  rl.on('SIGINT', () => {
    if (generation) generation.abort();
    else if (rl.line) clearLine(rl);
    else {
      process.stdout.write('\n');
      rl.close();
      process.exit(EXIT.interrupted);
    }
  });
  rl.on('close', () => {
    closed = true;
    // Ctrl-D ends the chat at once; the end of piped input only after its last message.
    if (interactive) generation?.abort();
  });
  const lines = rl[Symbol.asyncIterator]();
  if (interactive) status('type a message; /help lists the commands');
  for (;;) {
    if (!closed) rl.prompt();
    const next = await lines.next();
    if (next.done) break;
    const message = next.value.trim();
    if (message === '') continue;
    if (message.startsWith('/')) {
      if (chatCommandLine(message, session) === 'exit') break;
      continue;
    }
    generation = new AbortController();
    try {
      await reply(session, message, generation.signal);
    } catch (error) {
      if (!(error instanceof UnmaskError)) throw error;
      status(`unmask chat: ${error.message}`);
    } finally {
      generation = undefined;
    }
  }
  if (closed && interactive) process.stdout.write('\n'); // Ctrl-D left the cursor after the prompt
  rl.close();
}

function clearLine(rl: Interface): void {
  rl.write(null, { ctrl: true, name: 'e' });
  rl.write(null, { ctrl: true, name: 'u' });
}

function chatCommandLine(line: string, session: ChatSession): 'exit' | undefined {
  switch (line) {
    case '/exit':
      return 'exit';
    case '/reset': {
      const forgotten = session.conversation.turnCount;
      session.conversation.reset();
      status(`(conversation cleared: ${forgotten} turn${forgotten === 1 ? '' : 's'} forgotten)`);
      return undefined;
    }
    case '/help':
      status(commandsHelp);
      return undefined;
    default:
      status(`unknown command ${line}; /help lists them`);
      return undefined;
  }
}

async function reply(session: ChatSession, message: string, signal: AbortSignal): Promise<void> {
  const { tokenizer, respond, maxPositions, conversation } = session;
  const { ids, dropped } = conversation.promptFor(message);
  if (dropped > 0) {
    status(
      `(the conversation outgrew the model's ${maxPositions} positions: ` +
        `dropped the oldest ${dropped} turn${dropped === 1 ? '' : 's'})`,
    );
  }
  const response = await respond(ids, signal);
  if (!response) {
    status('(stopped; the message is not part of the conversation)');
    return;
  }
  const text = replyText(tokenizer, response, session.speakerTurns);
  conversation.record(message, text);
  if (text === '') status('(an empty reply)');
  process.stdout.write(`${text}\n`);
}

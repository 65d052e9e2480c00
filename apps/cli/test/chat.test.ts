import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTokenizer, type Tokenizer } from '@unmask/tokenizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conversation, MessageTooLongError } from '../src/chat/conversation';
import { replyText, usesSpeakerTurns } from '../src/chat/reply';
import { FIXTURES, lastJsonLine, runCli, runCliAsync } from './run-cli';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const SHIPPED = join(REPO, 'models/llada-shakespeare');
const TMUX = '/usr/bin/tmux';
const CLI = [process.execPath, '--conditions=@unmask/source', '--import', 'tsx', 'apps/cli/src/main.ts'];
const SHORT = ['--gen-length', '16', '--steps', '16'];
const MESSAGE = 'Good morrow, fair Juliet.';

let tokenizer: Tokenizer;
beforeAll(async () => {
  tokenizer = await loadTokenizer(SHIPPED);
});

/** The reply `unmask chat` must show for MESSAGE as the first turn: generate's response to the same rendered prompt. */
async function expectedFirstReply(): Promise<string> {
  const { code, stdout, stderr } = await runCliAsync([
    'generate',
    '--chat',
    '--prompt',
    MESSAGE,
    ...SHORT,
    '--json',
  ]);
  expect(code, stderr).toBe(0);
  const { ids } = lastJsonLine<{ ids: number[] }>(stdout);
  return replyText(tokenizer, ids, true);
}

describe('chat replies and conversations', () => {
  it('renders the shipped model as a play script, and ends replies at EOS or a blank line', () => {
    expect(usesSpeakerTurns(tokenizer)).toBe(true);
    const rendered = tokenizer.applyChatTemplate(
      [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello' },
        { role: 'user', content: 'Bye' },
      ],
      { addGenerationPrompt: true },
    );
    expect(rendered).toBe('ROMEO:\nHi\n\nJULIET:\nHello\n\nROMEO:\nBye\n\nJULIET:\n');
    const ids = (text: string) => tokenizer.encode(text, { addSpecialTokens: false });
    expect(replyText(tokenizer, ids('Good morrow.\nSweet night.\n\nFirst Citizen:\nSpeak.'), true)).toBe(
      'Good morrow.\nSweet night.',
    );
    expect(replyText(tokenizer, ids('\nO, sir,\n\nFirst Citizen.\n\nCORIOLANUS:\nAy.'), true)).toBe(
      'O, sir,',
    );
    expect(replyText(tokenizer, ids('Farewell.\n\nROM'), true)).toBe('Farewell.');
    expect(replyText(tokenizer, [...ids('Adieu.'), tokenizer.eosTokenId!, ...ids('more')], true)).toBe(
      'Adieu.',
    );
    expect(replyText(tokenizer, ids('Adieu.\n\nROMEO:\nmore'), false)).toBe('Adieu.\n\nROMEO:\nmore');
  });

  it('drops the oldest turns when the prompt and the reply outgrow the context', () => {
    const long = ['Good morrow, fair Juliet, good morrow', 'Good morrow, sweet Romeo, good morrow'] as const;
    const short = ['Wilt thou leave me?', 'What wouldst thou?'] as const;
    const roomy = new Conversation(tokenizer, 1024, 16);
    const alone = roomy.promptFor('Adieu').ids.length;
    roomy.record(...long);
    const withLong = roomy.promptFor('Adieu').ids.length;
    expect(withLong).toBeGreaterThan(alone);
    const tight = new Conversation(tokenizer, withLong + 16, 16);
    tight.record(...long);
    tight.record(...short);
    const { ids, dropped } = tight.promptFor('Adieu');
    expect(dropped).toBe(1);
    expect(tight.turnCount).toBe(1);
    expect(tokenizer.decode(ids)).toBe(
      'ROMEO:\nWilt thou leave me?\n\nJULIET:\nWhat wouldst thou?\n\nROMEO:\nAdieu\n\nJULIET:\n',
    );
    expect(() => new Conversation(tokenizer, alone + 15, 16).promptFor('Adieu')).toThrow(MessageTooLongError);
  });
});

describe('unmask chat without a terminal', () => {
  it('answers piped lines on stdout and stops at /exit', async () => {
    const expected = expectedFirstReply();
    const result = spawnSync(CLI[0]!, [...CLI.slice(1), 'chat', ...SHORT], {
      cwd: REPO,
      input: `${MESSAGE}\n/exit\nnot read\n`,
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${await expected}\n`);
  });

  it('refuses a model without a tokenizer or a chat template, naming it (exit 1)', () => {
    const noTokenizer = runCli(['chat', '--model', `${FIXTURES}/llada-tiny-1`]);
    expect(noTokenizer.code).toBe(1);
    expect(noTokenizer.stderr).toMatch(/model .*llada-tiny-1 has no tokenizer/);
    const dir = mkdtempSync(join(tmpdir(), 'unmask-chat-'));
    try {
      for (const file of ['config.json', 'model.safetensors', 'tokenizer.json'])
        symlinkSync(join(SHIPPED, file), join(dir, file));
      const config = JSON.parse(readFileSync(join(SHIPPED, 'tokenizer_config.json'), 'utf8'));
      delete config.chat_template;
      writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(config));
      const noTemplate = runCli(['chat', '--model', dir]);
      expect(noTemplate.code).toBe(1);
      expect(noTemplate.stderr).toContain(`model ${dir} has no chat template`);
      expect(noTemplate.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

const shellQuote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/** `unmask chat` in a detached tmux pane, read off the screen as a person would. */
class ChatPane {
  private static readonly socket = `unmask-chat-test-${process.pid}`;
  private static count = 0;
  private readonly name = `chat${ChatPane.count++}`;

  constructor(args: string[]) {
    // The shell prints the exit status as it reaps the process (tmux's own pane_dead_status missed
    // some exits here), and remain-on-exit keeps the screen after the shell ends.
    const command = `${[...CLI, 'chat', ...args].map(shellQuote).join(' ')}; echo "[exit $?]"`;
    this.tmux('new-session', '-d', '-s', this.name, '-x', '160', '-y', '50', '-c', REPO, command);
    this.tmux('set-option', '-t', this.name, 'remain-on-exit', 'on');
  }

  static killServer(): void {
    spawnSync(TMUX, ['-L', ChatPane.socket, 'kill-server']);
  }

  private tmux(...args: string[]): string {
    return execFileSync(TMUX, ['-L', ChatPane.socket, ...args], {
      encoding: 'utf8',
      env: { ...process.env, TERM: 'xterm-256color' },
    });
  }

  /** Every line so far, scrollback included, wrapped lines joined, trailing spaces trimmed. */
  screen(): string {
    return this.tmux('capture-pane', '-p', '-J', '-S', '-', '-t', this.name)
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n')
      .trimEnd();
  }

  lastLine(): string {
    return this.screen().split('\n').at(-1) ?? '';
  }

  type(text: string): void {
    this.tmux('send-keys', '-t', this.name, '-l', text);
  }

  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.name, ...keys);
  }

  /** The exit status, once the process has ended. */
  exitStatus(): number | undefined {
    const printed = /^\[exit (\d+)\]$/m.exec(this.screen());
    return printed ? Number(printed[1]) : undefined;
  }

  async waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value !== undefined && value !== false) return value;
      if (performance.now() > deadline)
        throw new Error(`no ${what} after ${timeoutMs} ms; screen:\n${this.screen()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Waits for the `> ` prompt with nothing typed on it. */
  waitForPrompt(): Promise<boolean> {
    return this.waitFor('empty prompt', () => this.lastLine() === '>');
  }

  occurrences(text: string): number {
    return this.screen().split(text).length - 1;
  }
}

describe.skipIf(!existsSync(TMUX))('unmask chat in a terminal (tmux)', () => {
  afterAll(() => ChatPane.killServer());

  it('replies as generate does, recalls lines with the up arrow, forgets on /reset, ends on /exit (0)', async () => {
    const expectedReply = expectedFirstReply();
    const pane = new ChatPane(SHORT);
    await pane.waitFor('prompt', () => pane.lastLine() === '>', 60_000);
    pane.type(MESSAGE);
    pane.keys('Enter');
    // As the screen shows it: trailing spaces trimmed.
    const reply = (await expectedReply)
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n');
    expect(reply.length).toBeGreaterThan(0);
    const shown = (times: number) => pane.occurrences(`\n${reply}\n>`) >= times;
    await pane.waitFor('first reply', () => shown(1));

    pane.type('/reset');
    pane.keys('Enter');
    await pane.waitFor('reset notice', () =>
      pane.screen().includes('(conversation cleared: 1 turn forgotten)'),
    );
    await pane.waitForPrompt();
    pane.keys('Up');
    await pane.waitFor('/reset recalled', () => pane.lastLine() === '> /reset');
    pane.keys('Up');
    await pane.waitFor('the message recalled', () => pane.lastLine() === `> ${MESSAGE}`);
    pane.keys('Enter');
    // With the conversation forgotten, the same message gets the same first reply.
    await pane.waitFor('second reply', () => shown(2));

    pane.type('/help');
    pane.keys('Enter');
    await pane.waitFor('help', () => pane.screen().includes('/reset   forget the conversation'));
    await pane.waitForPrompt();
    pane.type('/exit');
    pane.keys('Enter');
    expect(await pane.waitFor('exit', () => pane.exitStatus())).toBe(0);
  });

  it('stops a long generation on Ctrl-C and goes on; Ctrl-C at an empty prompt exits 130', async () => {
    const pane = new ChatPane(['--gen-length', '512', '--steps', '512']);
    await pane.waitFor('prompt', () => pane.lastLine() === '>', 60_000);
    pane.type('Hast thou no tongue?');
    pane.keys('Enter');
    await pane.waitFor('progress bar', () => /denoising \[.*step \d+/.test(pane.screen()));
    pane.keys('C-c');
    await pane.waitFor('stop notice', () => pane.screen().includes('(stopped; the message is not part'));
    await pane.waitForPrompt();
    const steps = Number(/step (\d+)\s*\n\(stopped/.exec(pane.screen())?.[1]);
    expect(steps).toBeLessThan(512);
    pane.type('half a line');
    await pane.waitFor('typed line', () => pane.lastLine() === '> half a line');
    pane.keys('C-c');
    await pane.waitForPrompt();
    expect(pane.exitStatus()).toBeUndefined();
    pane.keys('C-c');
    expect(await pane.waitFor('exit', () => pane.exitStatus())).toBe(130);
  });
});

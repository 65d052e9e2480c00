import { parseArgs } from 'node:util';
// Registers the onnxruntime backend ('ort'), preferred over the pure-TS 'cpu' one when it loads.
import '@unmask/backend-ort';
// Registers the DLCM loader, so that every model command also takes DLCM folders.
import '@unmask/dlcm';
import { UnmaskError } from '@unmask/tensor';
import { type Command, EXIT, UsageError } from './command';
import { analyzeCommand } from './commands/analyze';
import { benchCommand } from './commands/bench';
import { chatCommand } from './commands/chat';
import { generateCommand } from './commands/generate';
import { inspectCommand } from './commands/inspect';
import { logitsCommand } from './commands/logits';
import { pullCommand } from './commands/pull';
import { serveCommand } from './commands/serve';
import { trainCommand } from './commands/train';

const commands: Command[] = [
  generateCommand,
  chatCommand,
  trainCommand,
  pullCommand,
  inspectCommand,
  logitsCommand,
  benchCommand,
  serveCommand,
  analyzeCommand,
];

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'unmask: diffusion language models on Node.js',
    '',
    'Usage: unmask <command> [options]   (unmask <command> --help for details)',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version') {
    process.stdout.write('0.1.0\n');
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`unmask: unknown command '${name}'\n\n${usage()}\n`);
    return EXIT.usage;
  }
  const { values } = parseArgs({
    args: rest,
    options: { help: { type: 'boolean', short: 'h' } },
    strict: false,
  });
  if (values.help) {
    process.stdout.write(`${command.help}\n`);
    return EXIT.ok;
  }
  try {
    await command.run(rest);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(
        `unmask ${name}: ${(error as Error).message}\nRun 'unmask ${name} --help' for usage.\n`,
      );
      return EXIT.usage;
    }
    if (error instanceof UnmaskError || isSystemError(error)) {
      process.stderr.write(`unmask ${name}: ${(error as Error).message}\n`);
      return EXIT.failure;
    }
    throw error;
  }
}

/** A failed system call (a missing file, a full disk, a denied permission): its message names the call and the path. */
function isSystemError(error: unknown): boolean {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}

process.on('SIGINT', () => process.exit(EXIT.interrupted));
process.exitCode = await main(process.argv.slice(2));

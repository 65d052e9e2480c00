import { UnmaskError } from '@unmask/tensor';

/** One `unmask` subcommand. Status and progress go to stderr; results (and `--json`) to stdout. */
export interface Command {
  name: string;
  summary: string;
  /** Full `--help` text, with examples. */
  help: string;
  run(argv: string[]): Promise<void>;
}

/** Bad arguments: printed with the command's usage hint, exit code 2. */
export class UsageError extends UnmaskError {}

export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export const FIXTURES = `${REPO}test-data/fixtures`;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `unmask` entry point (from source, as `pnpm unmask` does) in a child process. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const result = spawnSync(
    process.execPath,
    ['--conditions=@unmask/source', '--import', 'tsx', 'apps/cli/src/main.ts', ...args],
    { cwd: REPO, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 110_000 },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The JSON object on the last line of stdout. */
export function lastJsonLine<T>(stdout: string): T {
  const lines = stdout.trimEnd().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}

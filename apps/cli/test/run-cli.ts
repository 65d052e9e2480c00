import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export const FIXTURES = `${REPO}test-data/fixtures`;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Node arguments that start the real `unmask` entry point from source, as `pnpm unmask` does. */
const entry = (args: string[]) => [
  '--conditions=@unmask/source',
  '--import',
  'tsx',
  'apps/cli/src/main.ts',
  ...args,
];

/** Runs `unmask` in a child process and waits for it. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const result = spawnSync(process.execPath, entry(args), {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 110_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs `unmask` without blocking this process (for tests that serve it something from here). */
export function runCliAsync(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, entry(args), { cwd: REPO, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The JSON object on the last line of stdout. */
export function lastJsonLine<T>(stdout: string): T {
  const lines = stdout.trimEnd().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}

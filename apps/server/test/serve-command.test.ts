import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { postJson, readSse, streamedText } from './helpers/sse';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
/** `unmask` from source, as `npx -y pnpm@12.4.2 unmask` runs it. */
const CLI = ['--conditions=@unmask/source', '--import', 'tsx', 'apps/cli/src/main.ts'];

interface Served {
  child: ChildProcess;
  url: string;
  model: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts `unmask serve --port 0 --json` and waits for the {"url"} line. */
function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [...CLI, 'serve', '--port', '0', '--json', ...args], { cwd: REPO });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      const { url, model } = JSON.parse(line) as { url: string; model: string };
      resolve({ child, url, model, stderr: () => stderr, exited });
    });
    void exited.then((code) =>
      reject(new Error(`unmask serve exited with ${code} before listening:\n${stderr}`)),
    );
  });
}

const started: ChildProcess[] = [];
afterAll(() => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('unmask serve', () => {
  it('prints its help with examples, and refuses a bad port with exit code 2', () => {
    const help = spawnSync(process.execPath, [...CLI, 'serve', '--help'], { cwd: REPO, encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: unmask serve');
    expect(help.stdout).toContain('Examples:');
    const bad = spawnSync(process.execPath, [...CLI, 'serve', '--port', 'http'], {
      cwd: REPO,
      encoding: 'utf8',
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--port');
  });

  it('on SIGTERM finishes the streams in flight, refuses new requests and exits 0', async () => {
    const served = await serve(['--concurrency', '2']);
    started.push(served.child);
    expect(served.stderr()).toContain(`at ${served.url}`);
    const body = { model: served.model, prompt: 'ROMEO:', max_tokens: 32, stream: true };
    const reference = streamedText(await readSse(await postJson(`${served.url}v1/completions`, body)));

    let firstChunks = 0;
    let signalled!: () => void;
    const allStarted = new Promise<void>((resolve) => {
      signalled = resolve;
    });
    const streams = [0, 1, 2].map(async () => {
      let seen = false;
      const withSteps = { ...body, unmask: { progress: true } };
      const events = await readSse(await postJson(`${served.url}v1/completions`, withSteps), () => {
        if (!seen && ++firstChunks === 2) signalled();
        seen = true;
      });
      return events;
    });
    // Two streams are mid-generation, the third waits in the queue.
    await allStarted;
    served.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const refused = await fetch(`${served.url}health`).then(
      (response) => response.status,
      () => 'connection refused',
    );
    expect([503, 'connection refused']).toContain(refused);

    for (const events of await Promise.all(streams)) {
      expect(events.at(-1)?.data).toBe('[DONE]');
      expect(streamedText(events)).toBe(reference);
    }
    expect(await served.exited).toBe(0);
    expect(served.stderr()).toContain('SIGTERM');
  });
});

import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
/** What a user installs: the tested packages; npm must find everything they pull in among the tarballs. */
const INSTALLED = ['@unmask/transformer', '@unmask/diffusion', '@unmask/cache'];
/** The packages whose README example runs in the project, and the marker above that example. */
const EXAMPLES = ['transformer', 'diffusion', 'cache'];
const EXAMPLE_MARKER = '<!-- tested by tooling/pack-test -->';
const FIXTURE = join(REPO, 'test-data/fixtures/llada-tiny-1');

const execFileAsync = promisify(execFile);

/** Runs a command without blocking the event loop (the registry stand-in below must stay able to answer). */
async function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, args, { cwd, env, maxBuffer: 64 * 2 ** 20 });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

/** This environment without npm's and node's settings (a parent pnpm or vitest sets some). */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(npm_|NODE_OPTIONS$|PNPM_|VITEST)/i.test(key)),
  );
  return { ...env, ...extra };
}

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

function workspacePackages(): Map<string, string> {
  const dirs = ['packages', 'apps'].flatMap((root) =>
    readdirSync(join(REPO, root)).map((name) => join(REPO, root, name)),
  );
  return new Map(
    dirs.filter((dir) => existsSync(join(dir, 'package.json'))).map((dir) => [readManifest(dir).name, dir]),
  );
}

/** Node's lookup of a dependency from a package folder (pnpm's symlinks followed). */
function resolvePackageDir(name: string, from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (basename(dir) === 'node_modules') continue;
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
  }
  throw new Error(`cannot find ${name} from ${from}`);
}

/** The installed packages and everything they pull in: workspace folders and third-party folders. */
function dependencyClosure(roots: string[]): {
  workspace: Map<string, string>;
  external: Map<string, string>;
} {
  const inWorkspace = workspacePackages();
  const workspace = new Map<string, string>();
  const external = new Map<string, string>();
  const visit = (name: string, from: string) => {
    if (workspace.has(name) || external.has(name)) return;
    const own = inWorkspace.get(name);
    const dir = own ?? resolvePackageDir(name, from);
    (own ? workspace : external).set(name, dir);
    const manifest = readManifest(dir);
    const peers = Object.keys(manifest.peerDependencies ?? {}).filter(
      (peer) => !manifest.peerDependenciesMeta?.[peer]?.optional,
    );
    for (const dependency of [...Object.keys(manifest.dependencies ?? {}), ...peers]) visit(dependency, dir);
  };
  for (const root of roots) visit(root, REPO);
  return { workspace, external };
}

/** The README's tested example: the ```js block under the marker. */
function readmeExample(packageName: string): string {
  const readme = readFileSync(join(REPO, 'packages', packageName, 'README.md'), 'utf8');
  const match = readme.split(EXAMPLE_MARKER)[1]?.match(/^\s*```js\n([\s\S]*?)\n```/);
  if (!match)
    throw new Error(`packages/${packageName}/README.md has no \`\`\`js block after ${EXAMPLE_MARKER}`);
  return match[1]!;
}

let temp: string;
const registryRequests: string[] = [];
const registry = createServer((request, response) => {
  registryRequests.push(`${request.method} ${request.url}`);
  response.writeHead(404).end();
});

beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), 'unmask-pack-'));
  await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
});

afterAll(() => {
  registry.close();
  if (temp) rmSync(temp, { recursive: true, force: true });
});

it('installs the packed packages with npm offline and runs their README examples', async () => {
  const tarballs = join(temp, 'tarballs');
  const project = join(temp, 'project');
  const npmCache = join(temp, 'npm-cache');
  for (const dir of [tarballs, project, npmCache]) mkdirSync(dir);
  writeFileSync(join(temp, 'npmrc'), '');
  const port = (registry.address() as AddressInfo).port;
  // npm and npx: an empty cache, no user config, and a registry on loopback that records any request.
  const npmEnv = cleanEnv({
    npm_config_cache: npmCache,
    npm_config_userconfig: join(temp, 'npmrc'),
    npm_config_registry: `http://127.0.0.1:${port}/`,
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
  });

  const { workspace, external } = dependencyClosure(INSTALLED);
  expect([...workspace.keys()].sort()).toEqual([
    '@unmask/cache',
    '@unmask/diffusion',
    '@unmask/hub',
    '@unmask/tensor',
    '@unmask/transformer',
  ]);
  // pnpm from the npx cache (offline: npx must not look it up either).
  const pnpm = ['-y', 'pnpm@12.4.2'];
  const pnpmEnv = cleanEnv({
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
    TURBO_TELEMETRY_DISABLED: '1',
    TURBO_NO_UPDATE_NOTIFIER: '1',
  });
  const filters = [...workspace.keys()].map((name) => `--filter=${name}`);
  await run(
    'npx',
    [...pnpm, 'exec', 'turbo', 'run', 'build', ...filters, '--only', '--output-logs=errors-only'],
    REPO,
    pnpmEnv,
  );
  await Promise.all(
    [...workspace.values()].map((dir) =>
      run('npx', [...pnpm, 'pack', '--pack-destination', tarballs], dir, pnpmEnv),
    ),
  );
  for (const [name, dir] of external) {
    // A copy first: pnpm's store hard-links identical files, which npm pack keeps as links and npm install drops.
    const copy = join(temp, 'external', name);
    cpSync(dir, copy, { recursive: true, dereference: true });
    await run('npm', ['pack', copy, '--pack-destination', tarballs, '--ignore-scripts'], temp, npmEnv);
  }
  const files = readdirSync(tarballs).sort();
  expect(files).toHaveLength(workspace.size + external.size);

  // pnpm pack rewrote every workspace:* range to the version it stands for, and swapped in the
  // publishConfig exports, which drop the workspace's source condition (src/ is not packed).
  for (const file of files.filter((f) => f.startsWith('unmask-'))) {
    const manifest = JSON.parse(
      await run('tar', ['-xzOf', join(tarballs, file), 'package/package.json'], temp, npmEnv),
    ) as Manifest;
    expect(JSON.stringify(manifest), file).not.toContain('workspace:');
    expect(JSON.stringify(manifest), file).not.toContain('@unmask/source');
    for (const [dependency, range] of Object.entries(manifest.dependencies ?? {})) {
      const own = workspace.get(dependency);
      if (own) expect(range, `${file}: ${dependency}`).toBe(readManifest(own).version);
    }
  }

  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  await run(
    'npm',
    ['install', '--offline', '--no-audit', '--no-fund', ...files.map((file) => join(tarballs, file))],
    project,
    npmEnv,
  );
  await run('npm', ['ls', '--all'], project, npmEnv); // every dependency present and in range
  expect(registryRequests).toEqual([]);
  for (const [name, dir] of workspace) {
    expect(readManifest(join(project, 'node_modules', name)).version).toBe(readManifest(dir).version);
  }

  mkdirSync(join(project, 'llada-tiny-1'));
  for (const file of ['config.json', 'model.safetensors'])
    cpSync(join(FIXTURE, file), join(project, 'llada-tiny-1', file));
  const examples = EXAMPLES.map((name) => {
    writeFileSync(join(project, `${name}-example.mjs`), readmeExample(name));
    return `${name}-example.mjs`;
  });
  // The examples type-check against the packed declarations (the custom policy is a CachePolicy).
  await run(
    process.execPath,
    [
      join(REPO, 'node_modules/typescript/bin/tsc'),
      '--noEmit',
      '--allowJs',
      '--checkJs',
      '--strict',
      '--skipLibCheck', // @types/node alone takes half a minute on a busy machine
      '--target',
      'es2022',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--types',
      'node',
      '--typeRoots',
      join(REPO, 'node_modules/@types'),
      ...examples,
    ],
    project,
    npmEnv,
  );
  const outputs = await Promise.all(
    examples.map((example) => run(process.execPath, [example], project, cleanEnv({}))),
  );
  const [transformer, diffusion, cache] = outputs;
  expect(transformer).toMatch(/^llada on cpu: \d+ parameters/);
  expect(diffusion).toMatch(/^response( \d+){16}; \d+ FLOPs in 16 steps$/m);
  expect(cache).toMatch(/^dual:( \d+){16} in \d+ FLOPs$/m);
  expect(cache).toMatch(/^every-row:( \d+){16} in \d+ FLOPs, 16 calls$/m);
});

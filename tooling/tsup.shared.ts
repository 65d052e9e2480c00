import type { Options } from 'tsup';

/** The build every package shares: ESM + type declarations, one entry per `exports` subpath. */
export function packageBuild(entry: Record<string, string>): Options {
  return {
    entry,
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
  };
}

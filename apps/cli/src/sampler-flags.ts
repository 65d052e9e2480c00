import { UsageError } from './command';

/** The parsed options of `generate` and `chat`, by flag name. */
export type SamplerValues = Record<string, string | boolean | undefined>;

/** A non-negative integer flag, or undefined when not given. */
export function int(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`--${name} must be a non-negative integer, got '${text}'`);
  return n;
}

/** A finite number flag, or undefined when not given. */
export function num(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got '${text}'`);
  return n;
}

import { isSafeRelativePath } from '../safe-relative-path';

export interface RepoSpec {
  /** "org/name". */
  readonly repo: string;
  /** Branch, tag or commit hash; "main" when not given. */
  readonly revision: string;
}

// Hugging Face repository names: letters, digits, "-", "_", "." and no "--" or ".." (the cache uses "--" as separator).
const NAME = /^[A-Za-z0-9][\w.-]{0,95}$/;
const REVISION = /^[\w.\-/]+$/;

/** Parses "org/name" or "org/name@revision"; undefined when `text` is not shaped like one. */
export function parseRepoSpec(text: string): RepoSpec | undefined {
  const at = text.indexOf('@');
  const repo = at < 0 ? text : text.slice(0, at);
  const revision = at < 0 ? 'main' : text.slice(at + 1);
  const parts = repo.split('/');
  if (parts.length !== 2 || !parts.every((p) => NAME.test(p) && !p.includes('--') && !p.includes('..'))) {
    return undefined;
  }
  if (!REVISION.test(revision) || !isSafeRelativePath(revision)) return undefined;
  return { repo, revision };
}

import type { Backend } from './backend';
import { BackendError } from './errors';

/** Creates a backend; may throw (e.g. a native library that does not load), and is then skipped. */
export type BackendFactory = () => Backend;

interface Registration {
  factory: BackendFactory;
  priority: number;
  instance?: Backend;
  failure?: unknown;
  warned?: boolean;
}

const registry = new Map<string, Registration>();

/**
 * Registers a backend under `name`; higher `priority` wins in `getBackend()`. Registering a name
 * again replaces it. The factory runs on first use, once.
 */
export function registerBackend(name: string, factory: BackendFactory, priority: number): void {
  registry.set(name, { factory, priority });
}

/** Names of the registered backends, best first. */
export function listBackends(): string[] {
  return [...registry.entries()].sort((a, b) => b[1].priority - a[1].priority).map(([name]) => name);
}

function initialise(name: string, reg: Registration): Backend {
  if (reg.instance) return reg.instance;
  if (reg.failure !== undefined) throw reg.failure;
  try {
    reg.instance = reg.factory();
    return reg.instance;
  } catch (cause) {
    reg.failure = new BackendError(
      `backend '${name}' failed to initialise: ${String((cause as Error)?.message ?? cause)}`,
    );
    throw reg.failure;
  }
}

/**
 * The backend named `name`, or with no name the highest-priority one that initialises (a backend
 * that fails is skipped with a warning).
 */
export function getBackend(name?: string): Backend {
  if (name !== undefined) {
    const reg = registry.get(name);
    if (!reg)
      throw new BackendError(`unknown backend '${name}'; registered: ${listBackends().join(', ') || 'none'}`);
    return initialise(name, reg);
  }
  for (const candidate of listBackends()) {
    try {
      return initialise(candidate, registry.get(candidate)!);
    } catch (error) {
      const reg = registry.get(candidate)!;
      if (!reg.warned) console.warn(`unmask: skipping backend: ${(error as Error).message}`);
      reg.warned = true;
    }
  }
  throw new BackendError('no backend could be initialised');
}

import type { GraphBuilder } from './onnx/model';
import { createSession, type OrtSession, type SessionOptions } from './session';

/**
 * Sessions keyed by op signature: op name, dtypes, attributes and whichever dims the graph declares
 * static. Dims declared symbolic are not part of the key, so one session serves all their sizes.
 */
export class SessionCache {
  private readonly sessions = new Map<string, OrtSession>();

  constructor(readonly options: SessionOptions) {}

  /** The session for `signature`, built from `graph()` on first use. */
  get(signature: string, graph: () => GraphBuilder): OrtSession {
    let session = this.sessions.get(signature);
    if (!session) {
      session = this.build(graph());
      this.sessions.set(signature, session);
    }
    return session;
  }

  /** A session the cache does not keep (e.g. one with a weight baked in, owned by the caller). */
  build(graph: GraphBuilder): OrtSession {
    return createSession(graph.toModel(), this.options);
  }

  /** Number of cached sessions. */
  get size(): number {
    return this.sessions.size;
  }

  dispose(): void {
    for (const session of this.sessions.values()) session.dispose();
    this.sessions.clear();
  }
}

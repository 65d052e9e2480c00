import type { Tensor } from 'onnxruntime-common';
import type { GraphBuilder } from './onnx/model';
import type { OrtSession } from './session';
import type { SessionCache } from './session-cache';

interface Baked {
  session: OrtSession;
  /** The other constant tensors baked into the same session (e.g. a bias); checked by identity. */
  companions: readonly (Tensor | undefined)[];
  bytes: number;
}

interface Usage {
  uses: number;
  baked?: Baked;
}

interface WeightRecord {
  byKind: Map<string, Usage>;
  /** Held by the finalizer, which releases these sessions when the weight is collected. */
  baked: Baked[];
}

/**
 * Sessions with weights baked in as initializers, which onnxruntime prepacks for its GEMM kernels.
 * They are keyed by the weight Tensor object, so a weight must not be modified in place after it
 * has been used: pass a new tensor instead (or disable baking with a zero budget).
 *
 * A weight is baked on its second use: model weights are used every step, one-off operands never
 * pay for a session build. onnxruntime then holds about two more copies of it (the initializer and
 * its prepacked form; bench/baked-memory.ts); once `budgetBytes` of weights are baked, further ones
 * run as graph inputs (no eviction, so a model larger than the budget does not thrash). A baked
 * session is released when its weight is garbage-collected, or by `dispose`.
 */
export class BakedWeights {
  private readonly records = new WeakMap<Tensor, WeightRecord>();
  private readonly live = new Set<Baked>();
  private readonly finalizer = new FinalizationRegistry<Baked[]>((entries) => {
    for (const entry of entries) this.release(entry);
  });
  private total = 0;

  constructor(
    private readonly sessions: SessionCache,
    readonly budgetBytes: number,
  ) {}

  /** Bytes of weights currently baked into sessions. */
  get bakedBytes(): number {
    return this.total;
  }

  /**
   * The session of `kind` with `weight` and `companions` baked in, or undefined when the op should
   * run with them as inputs this time: first use, budget spent, different companions, or a single
   * row (onnxruntime multiplies one row by an unpacked weight faster than by a prepacked one:
   * bench/linear-weights.ts).
   */
  session(
    kind: string,
    weight: Tensor,
    companions: readonly (Tensor | undefined)[],
    rows: number,
    graph: () => GraphBuilder,
  ): OrtSession | undefined {
    if (this.budgetBytes <= 0) return undefined;
    let record = this.records.get(weight);
    if (!record) {
      record = { byKind: new Map(), baked: [] };
      this.records.set(weight, record);
      this.finalizer.register(weight, record.baked);
    }
    let usage = record.byKind.get(kind);
    if (!usage) {
      usage = { uses: 0 };
      record.byKind.set(kind, usage);
    }
    usage.uses++;
    if (rows < 2) return undefined;
    const { baked } = usage;
    if (baked && this.live.has(baked))
      return sameTensors(baked.companions, companions) ? baked.session : undefined;
    const bytes = [weight, ...companions].reduce((sum, t) => sum + (t ? t.size * 4 : 0), 0);
    if (usage.uses < 2 || this.total + bytes > this.budgetBytes) return undefined;
    usage.baked = { session: this.sessions.build(graph()), companions, bytes };
    this.total += bytes;
    this.live.add(usage.baked);
    record.baked.push(usage.baked);
    return usage.baked.session;
  }

  dispose(): void {
    for (const entry of this.live) this.release(entry);
  }

  private release(entry: Baked): void {
    if (!this.live.delete(entry)) return;
    entry.session.dispose();
    this.total -= entry.bytes;
  }
}

function sameTensors(a: readonly (Tensor | undefined)[], b: readonly (Tensor | undefined)[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

import { bool, f32Data, i32, type Tensor } from '@unmask/tensor';
import type { DlcmModel } from '../model';
import { CachedStack } from './cached-stack';
import { CompletedConcepts } from './completed-concepts';
import { DlcmGenerationError } from './errors';
import { IncrementalBoundaries } from './incremental-boundaries';
import { OpenSegment } from './open-segment';

/** What feeding one token found out about it. */
export interface FedToken {
  id: number;
  position: number;
  /** p_t of the boundary detector (1 at position 0); undefined for a token-only model. */
  probability: number | undefined;
  /** The token is a boundary: it starts a new segment, and completes the previous one (never, token-only). */
  startsConcept: boolean;
  /** Segments begun up to this token, its own (still open) segment included (0 for a token-only model). */
  conceptCount: number;
}

export interface FeedResult {
  tokens: FedToken[];
  /** [vocab]: the logits after the last fed token (they predict the next one). */
  logits: Float32Array;
}

/**
 * Incremental DLCM inference (batch 1) with the same outputs as `DlcmModel.forward` over the whole
 * prefix. Caches, by granularity:
 * - token level: the encoder's and the decoder's self-attention K/V per layer; the last encoder
 *   state (for p_t); the running sum of the open segment;
 * - concept level: the backbone's K/V per layer and the cross-attention K/V of every completed
 *   concept, after the null concept's.
 * A concept is completed when the next token is detected as a boundary: before that token
 * cross-attends, the segment's mean goes through W_up, one backbone step and the cross-attention
 * K/V projection, so the boundary token sees the concept that just ended (as `completedConceptMask`
 * lets it) and no token ever sees its own, still open, segment.
 * A token-only model keeps the encoder's and the decoder's caches only; its tokens start no concept.
 */
export class DlcmSession {
  private readonly encoder: CachedStack;
  private readonly decoder: CachedStack;
  /** The concept-level state; undefined for a token-only model. */
  private readonly path:
    | { boundaries: IncrementalBoundaries; open: OpenSegment; concepts: CompletedConcepts }
    | undefined;
  private segments = 0;

  constructor(readonly model: DlcmModel) {
    const { backend, config } = model;
    this.encoder = new CachedStack(backend, model.encoder, config.encoder);
    this.decoder = new CachedStack(backend, model.decoder, config.decoder);
    this.path = model.conceptPath && {
      boundaries: new IncrementalBoundaries(model.conceptPath.detector),
      open: new OpenSegment(config.dToken),
      concepts: new CompletedConcepts(model),
    };
  }

  /** Tokens fed so far (the next token's position). */
  get length(): number {
    return this.encoder.length;
  }

  /** Segments begun so far, the open one included (`forward(...).segmentation.counts[0]` of the prefix). */
  get conceptCount(): number {
    return this.segments;
  }

  /** Concepts whose segment has ended, which the next token may attend to. */
  get completedConceptCount(): number {
    return this.path?.concepts.count ?? 0;
  }

  /**
   * Appends tokens: one at a time while generating, or a whole prompt as one batched prefill that
   * leaves exactly the caches feeding it token by token would.
   */
  feed(ids: readonly number[]): FeedResult {
    this.check(ids);
    const { backend, config, weights } = this.model;
    const first = this.length;
    const hidden = this.encoder.append(backend.embedding(i32([1, ids.length], ids), weights.embedding));
    const path = this.path;
    if (!path) {
      const tokens = ids.map(
        (id, i): FedToken => ({
          id,
          position: first + i,
          probability: undefined,
          startsConcept: false,
          conceptCount: 0,
        }),
      );
      return { tokens, logits: this.head(this.decoder.append(hidden)) };
    }
    const { probabilities, starts } = path.boundaries.detect(hidden);
    const states = f32Data(hidden);
    const width = config.dToken;
    const means: Float32Array[] = [];
    // How many completed concepts each new token may see: those done before it, its boundary included.
    const visible: number[] = [];
    const tokens = ids.map((id, i): FedToken => {
      const startsConcept = starts[i] === 1;
      if (startsConcept) {
        if (!path.open.isEmpty) means.push(path.open.close());
        this.segments++;
      }
      path.open.add(states.subarray(i * width, (i + 1) * width));
      visible.push(path.concepts.count + means.length);
      return {
        id,
        position: first + i,
        probability: probabilities[i]!,
        startsConcept,
        conceptCount: this.segments,
      };
    });
    if (means.length > 0) path.concepts.complete(concat(means), means.length);
    return { tokens, logits: this.decode(hidden, visible, path.concepts) };
  }

  /** Cross-attention to the completed concepts, the decoder against its cache, the LM head of the last row. */
  private decode(hidden: Tensor, visible: readonly number[], concepts: CompletedConcepts): Float32Array {
    const { backend } = this.model;
    const { crossAttention } = this.model.requireConceptPath('cross-attention to concepts');
    const count = hidden.dims[1]!;
    const keys = 1 + concepts.count;
    // One token sees every completed concept; a prefill's tokens each see the ones done before them.
    const mask = count === 1 ? undefined : conceptMask(visible, keys);
    const attended = crossAttention.output(
      backend.attention(
        crossAttention.queries(hidden),
        concepts.keys(),
        concepts.values(),
        mask ? { mask } : {},
      ),
    );
    return this.head(this.decoder.append(backend.add(hidden, attended)));
  }

  /** The final norm and the LM head of the last row of the decoder's output x [1, R, d_token]. */
  private head(x: Tensor): Float32Array {
    const { backend, config, weights } = this.model;
    const count = x.dims[1]!;
    const last = count === 1 ? x : backend.gatherRows(x, i32([1], [count - 1]));
    return f32Data(
      backend.linear(backend.rmsNorm(last, weights.decoderNorm, config.normEps), weights.lmHead),
    );
  }

  private check(ids: readonly number[]): void {
    const { vocabSize, maxPositions } = this.model.config;
    if (ids.length === 0) throw new DlcmGenerationError('ids', ids, 'feed at least one token');
    ids.forEach((id, i) => {
      if (!(Number.isInteger(id) && id >= 0 && id < vocabSize)) {
        throw new DlcmGenerationError(
          'ids',
          ids,
          `id ${id} at index ${i} is not a token id below ${vocabSize}`,
        );
      }
    });
    if (this.length + ids.length > maxPositions) {
      throw new DlcmGenerationError(
        'ids',
        ids,
        `${this.length} tokens fed + ${ids.length} exceed the model's ${maxPositions} positions`,
      );
    }
  }
}

function concat(rows: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(rows.reduce((n, r) => n + r.length, 0));
  let at = 0;
  for (const row of rows) {
    out.set(row, at);
    at += row.length;
  }
  return out;
}

/** bool [1, R, keys]: token i sees the null concept and its first visible[i] completed concepts. */
function conceptMask(visible: readonly number[], keys: number): Tensor {
  const data = new Uint8Array(visible.length * keys);
  visible.forEach((seen, i) => {
    data.fill(1, i * keys, i * keys + 1 + seen);
  });
  return bool([1, visible.length, keys], data);
}

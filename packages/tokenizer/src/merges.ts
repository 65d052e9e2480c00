/** Rank lookup for BPE merges: an open-addressing hash table over (left id, right id) pairs. */
export class MergeTable {
  private readonly lefts: Int32Array;
  private readonly rights: Int32Array;
  private readonly ranks: Int32Array;
  private readonly mask: number;

  /** `left[r] right[r] -> merged[r]` is the merge of rank r; a repeated pair keeps its last rank, as in Rust. */
  constructor(
    left: Int32Array,
    right: Int32Array,
    readonly merged: Int32Array,
  ) {
    let capacity = 16;
    while (capacity < left.length * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.lefts = new Int32Array(capacity);
    this.rights = new Int32Array(capacity);
    this.ranks = new Int32Array(capacity).fill(-1);
    for (let rank = 0; rank < left.length; rank++) this.insert(left[rank]!, right[rank]!, rank);
  }

  private slot(left: number, right: number): number {
    let h = Math.imul(left, 0x9e3779b1) ^ right;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    return (h ^ (h >>> 13)) & this.mask;
  }

  private insert(left: number, right: number, rank: number): void {
    let slot = this.slot(left, right);
    while (this.ranks[slot]! >= 0 && (this.lefts[slot] !== left || this.rights[slot] !== right)) {
      slot = (slot + 1) & this.mask;
    }
    this.lefts[slot] = left;
    this.rights[slot] = right;
    this.ranks[slot] = rank;
  }

  /** The rank of merging `left` then `right`, or -1 when they never merge. */
  rank(left: number, right: number): number {
    let slot = this.slot(left, right);
    for (;;) {
      const rank = this.ranks[slot]!;
      if (rank < 0 || (this.lefts[slot] === left && this.rights[slot] === right)) return rank;
      slot = (slot + 1) & this.mask;
    }
  }
}

/** Heap keys pack (rank, position) so that the lowest rank, then the leftmost position, pops first. */
const POSITION_RANGE = 2 ** 32;

/**
 * Applies merges to one word's symbols, lowest rank first and leftmost first among equals (the Rust
 * crate's order), with a binary heap so long words (whitespace runs, CJK sentences) stay O(n log n).
 * Buffers are reused across words: the caller pushes symbols, then calls `finish`.
 */
export class WordMerger {
  private symbols = new Int32Array(64);
  private next = new Int32Array(64);
  private prev = new Int32Array(64);
  /** Rank of the pair starting at each position; -1 for none or a merged-away position. */
  private pairRank = new Int32Array(64);
  private heap = new Float64Array(64);
  private heapSize = 0;
  private length = 0;

  constructor(private readonly table: MergeTable) {}

  begin(): void {
    this.length = 0;
  }

  push(id: number): void {
    if (this.length === this.symbols.length) this.grow();
    this.symbols[this.length++] = id;
  }

  /** Merges the pushed symbols and appends the resulting ids to `out`. */
  finish(out: number[]): void {
    const n = this.length;
    const { symbols, next, prev, pairRank, table } = this;
    if (n < 2) {
      if (n === 1) out.push(symbols[0]!);
      return;
    }
    this.heapSize = 0;
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    for (let i = 0; i < n - 1; i++) {
      const rank = table.rank(symbols[i]!, symbols[i + 1]!);
      pairRank[i] = rank;
      if (rank >= 0) this.heapPush(rank * POSITION_RANGE + i);
    }
    pairRank[n - 1] = -1;
    while (this.heapSize > 0) {
      const key = this.heapPop();
      const rank = Math.floor(key / POSITION_RANGE);
      const pos = key - rank * POSITION_RANGE;
      if (pairRank[pos] !== rank) continue; // stale: the pair at pos changed since it was queued
      const right = next[pos]!;
      symbols[pos] = table.merged[rank]!;
      pairRank[right] = -1;
      const after = next[right]!;
      next[pos] = after;
      if (after >= 0) {
        prev[after] = pos;
        const afterRank = table.rank(symbols[pos]!, symbols[after]!);
        pairRank[pos] = afterRank;
        if (afterRank >= 0) this.heapPush(afterRank * POSITION_RANGE + pos);
      } else {
        pairRank[pos] = -1;
      }
      const before = prev[pos]!;
      if (before >= 0) {
        const beforeRank = table.rank(symbols[before]!, symbols[pos]!);
        pairRank[before] = beforeRank;
        if (beforeRank >= 0) this.heapPush(beforeRank * POSITION_RANGE + before);
      }
    }
    for (let i = 0; i >= 0; i = next[i]!) out.push(symbols[i]!);
  }

  private grow(): void {
    const size = this.symbols.length * 2;
    const grown = new Int32Array(size);
    grown.set(this.symbols);
    this.symbols = grown;
    this.next = new Int32Array(size);
    this.prev = new Int32Array(size);
    this.pairRank = new Int32Array(size);
    this.heap = new Float64Array(size * 2);
  }

  private heapPush(key: number): void {
    if (this.heapSize === this.heap.length) {
      const grown = new Float64Array(this.heap.length * 2);
      grown.set(this.heap);
      this.heap = grown;
    }
    const heap = this.heap;
    let i = this.heapSize++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]! <= key) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = key;
  }

  private heapPop(): number {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap[--this.heapSize]!;
    const size = this.heapSize;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && heap[child + 1]! < heap[child]!) child++;
      if (heap[child]! >= last) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}

import { BYTE_TO_CHAR_CODE } from './byte-level';
import type { JsonFields } from './json-fields';
import { MergeTable, WordMerger } from './merges';

/** Pieces longer than this are not cached (as in the Rust crate): they are rare and would bloat the cache. */
const MAX_CACHED_PIECE_LENGTH = 256;
const CACHE_CAPACITY = 100_000;

const utf8Encoder = new TextEncoder();

function parseMerge(merge: unknown, rank: number, config: JsonFields): [string, string] {
  if (typeof merge === 'string') {
    const space = merge.indexOf(' ');
    if (space <= 0 || space === merge.length - 1) config.fail(`merge ${rank} "${merge}" is not "left right"`);
    return [merge.slice(0, space), merge.slice(space + 1)];
  }
  if (
    Array.isArray(merge) &&
    merge.length === 2 &&
    typeof merge[0] === 'string' &&
    typeof merge[1] === 'string'
  ) {
    return [merge[0], merge[1]];
  }
  return config.fail(`merge ${rank} must be "left right" or [left, right]`);
}

/** Byte-pair encoding over a vocabulary and ranked merges (tokenizer.json `model.type: "BPE"`). */
export class BpeModel {
  /** Token string by id (holes where the vocabulary skips ids). */
  readonly tokens: string[];
  readonly vocab: Map<string, number>;
  private readonly merger: WordMerger;
  private readonly cache = new Map<string, number[]>();
  private readonly ignoreMerges: boolean;
  private readonly prefix: string;
  private readonly suffix: string;
  private readonly unkId: number | undefined;
  private readonly fuseUnk: boolean;
  /** Ids of the `<0xHH>` tokens when `byte_fallback` is on. */
  private readonly byteFallbackIds: Int32Array | null;
  /** With byte-level input and no prefix/suffix, symbols come straight from UTF-8 bytes. */
  private readonly byteSymbolIds: Int32Array | null;
  private utf8 = new Uint8Array(1024);
  private readonly charCodes = new Uint16Array(1024);

  constructor(
    config: JsonFields,
    private readonly byteLevel: boolean,
  ) {
    if ((config.value['dropout'] ?? 0) !== 0) config.fail('BPE dropout is not supported');
    const vocab: JsonFields = config.object('vocab');
    this.vocab = new Map();
    let highestId = -1;
    // Object.keys + lookups: Object.entries is several times slower on a 150k-key object.
    for (const token of Object.keys(vocab.value)) {
      const id = vocab.value[token];
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0)
        vocab.fail(`id of "${token}" must be an integer`);
      this.vocab.set(token, id);
      highestId = Math.max(highestId, id);
    }
    // Sized up front: filling a growing array out of order (JSON puts digit-only keys first) is slow.
    this.tokens = new Array<string>(highestId + 1);
    for (const [token, id] of this.vocab) this.tokens[id] = token;
    this.prefix = config.optionalString('continuing_subword_prefix') ?? '';
    this.suffix = config.optionalString('end_of_word_suffix') ?? '';
    this.ignoreMerges = config.boolean('ignore_merges', false);
    this.fuseUnk = config.boolean('fuse_unk', false);
    const unkToken = config.optionalString('unk_token');
    this.unkId = unkToken === undefined ? undefined : this.vocab.get(unkToken);
    if (unkToken !== undefined && this.unkId === undefined)
      config.fail(`unk_token "${unkToken}" is not in the vocab`);
    this.byteFallbackIds = config.boolean('byte_fallback', false) ? this.idsOf((b) => `<0x${hex(b)}>`) : null;
    const byteIds = this.idsOf((b) => String.fromCharCode(BYTE_TO_CHAR_CODE[b]!));
    const direct = byteLevel && this.prefix === '' && this.suffix === '' && byteIds.every((id) => id >= 0);
    this.byteSymbolIds = direct ? byteIds : null;
    this.merger = new WordMerger(this.buildMergeTable(config));
  }

  private idsOf(tokenOfByte: (byte: number) => string): Int32Array {
    return Int32Array.from({ length: 256 }, (_, b) => this.vocab.get(tokenOfByte(b)) ?? -1);
  }

  private buildMergeTable(config: JsonFields): MergeTable {
    const merges = config.array('merges');
    const left = new Int32Array(merges.length);
    const right = new Int32Array(merges.length);
    const merged = new Int32Array(merges.length);
    for (let rank = 0; rank < merges.length; rank++) {
      const [a, b] = parseMerge(merges[rank], rank, config);
      const joined = a + (this.prefix && b.startsWith(this.prefix) ? b.slice(this.prefix.length) : b);
      const leftId = this.vocab.get(a);
      const rightId = this.vocab.get(b);
      const mergedId = this.vocab.get(joined);
      if (leftId === undefined || rightId === undefined || mergedId === undefined) {
        config.fail(`merge ${rank} "${a} ${b}" uses a token that is not in the vocab`);
      }
      left[rank] = leftId;
      right[rank] = rightId;
      merged[rank] = mergedId;
    }
    return new MergeTable(left, right, merged);
  }

  /** Appends the ids of one pre-tokenized piece (raw text when byte-level: the byte mapping happens here). */
  tokenize(piece: string, out: number[]): void {
    const cached = this.cache.get(piece);
    if (cached !== undefined) {
      for (let i = 0; i < cached.length; i++) out.push(cached[i]!);
      return;
    }
    const ids: number[] = [];
    this.tokenizeUncached(piece, ids);
    if (piece.length < MAX_CACHED_PIECE_LENGTH) {
      if (this.cache.size >= CACHE_CAPACITY) this.cache.clear();
      this.cache.set(piece, ids);
    }
    for (let i = 0; i < ids.length; i++) out.push(ids[i]!);
  }

  private tokenizeUncached(piece: string, out: number[]): void {
    if (this.byteSymbolIds) {
      this.tokenizeBytes(piece, out);
      return;
    }
    const word = this.byteLevel ? this.byteLevelWord(this.encodeUtf8(piece)) : piece;
    if (this.ignoreMerges) {
      const id = this.vocab.get(word);
      if (id !== undefined) {
        out.push(id);
        return;
      }
    }
    this.pushCharSymbols(word);
    this.merger.finish(out);
  }

  private tokenizeBytes(piece: string, out: number[]): void {
    const length = this.encodeUtf8(piece);
    if (this.ignoreMerges) {
      const id = this.vocab.get(this.byteLevelWord(length));
      if (id !== undefined) {
        out.push(id);
        return;
      }
    }
    const { merger, utf8 } = this;
    const symbolIds = this.byteSymbolIds!;
    merger.begin();
    for (let i = 0; i < length; i++) merger.push(symbolIds[utf8[i]!]!);
    merger.finish(out);
  }

  /** UTF-8 of `text` into the reusable buffer; returns the byte count. */
  private encodeUtf8(text: string): number {
    if (this.utf8.length < text.length * 3) this.utf8 = new Uint8Array(text.length * 3);
    return utf8Encoder.encodeInto(text, this.utf8).written;
  }

  /** The byte-level spelling of the first `length` bytes of the UTF-8 buffer. */
  private byteLevelWord(length: number): string {
    let word = '';
    for (let start = 0; start < length; start += this.charCodes.length) {
      const end = Math.min(length, start + this.charCodes.length);
      for (let i = start; i < end; i++) this.charCodes[i - start] = BYTE_TO_CHAR_CODE[this.utf8[i]!]!;
      word += String.fromCharCode(...this.charCodes.subarray(0, end - start));
    }
    return word;
  }

  /** One symbol per character (with the subword prefix / word suffix), unknown ones as the Rust crate does. */
  private pushCharSymbols(word: string): void {
    const { merger, prefix, suffix } = this;
    merger.begin();
    let pendingUnk = false;
    const chars = Array.from(word);
    chars.forEach((char, i) => {
      const symbol = (i > 0 ? prefix : '') + char + (i === chars.length - 1 ? suffix : '');
      const id = this.vocab.get(symbol);
      if (id !== undefined) {
        if (pendingUnk) merger.push(this.unkId!);
        pendingUnk = false;
        merger.push(id);
        return;
      }
      if (this.pushByteFallback(symbol)) return;
      if (this.unkId === undefined) return;
      if (pendingUnk && !this.fuseUnk) merger.push(this.unkId);
      pendingUnk = true;
    });
    if (pendingUnk) merger.push(this.unkId!);
  }

  private pushByteFallback(symbol: string): boolean {
    const fallback = this.byteFallbackIds;
    if (!fallback) return false;
    const bytes = utf8Encoder.encode(symbol);
    if (!bytes.every((b) => fallback[b]! >= 0)) return false;
    for (const b of bytes) this.merger.push(fallback[b]!);
    return true;
  }
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

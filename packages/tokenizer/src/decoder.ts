import { appendByteLevelBytes } from './byte-level';
import { UnsupportedTokenizerError } from './errors';
import type { JsonFields } from './json-fields';
import { compilePattern } from './regex';

/** The Rust crate's `decode_chain`: token strings in, text pieces out (joined by the caller). */
export type Decoder = (tokens: string[]) => string[];

const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

function byteLevel(): Decoder {
  return (tokens) => {
    const bytes: number[] = [];
    for (const token of tokens) appendByteLevelBytes(token, bytes);
    return [utf8Decoder.decode(new Uint8Array(bytes))];
  };
}

function metaspace(config: JsonFields): Decoder {
  const replacement = config.string('replacement');
  const scheme = config.boolean('add_prefix_space', true)
    ? (config.optionalString('prepend_scheme') ?? 'always')
    : 'never';
  return (tokens) =>
    tokens.map((token, i) => token.replaceAll(replacement, i === 0 && scheme !== 'never' ? '' : ' '));
}

const BYTE_TOKEN = /^<0x([0-9A-Fa-f]{2})>$/;

/** `<0xHH>` tokens become bytes; a run that is not valid UTF-8 becomes one U+FFFD per byte. */
function byteFallback(): Decoder {
  return (tokens) => {
    const out: string[] = [];
    let pending: number[] = [];
    const flush = () => {
      if (pending.length === 0) return;
      try {
        out.push(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(new Uint8Array(pending)));
      } catch {
        for (let i = 0; i < pending.length; i++) out.push('\uFFFD');
      }
      pending = [];
    };
    for (const token of tokens) {
      const byte = BYTE_TOKEN.exec(token);
      if (byte) {
        pending.push(Number.parseInt(byte[1]!, 16));
      } else {
        flush();
        out.push(token);
      }
    }
    flush();
    return out;
  };
}

/** Removes up to `start` / `stop` copies of `content` from each token's ends. */
function strip(config: JsonFields): Decoder {
  const content = config.string('content');
  const start = config.integer('start');
  const stop = config.integer('stop');
  return (tokens) =>
    tokens.map((token) => {
      const chars = Array.from(token);
      let from = 0;
      while (from < start && chars[from] === content) from++;
      let to = chars.length;
      while (chars.length - to < stop && to > from && chars[to - 1] === content) to--;
      return chars.slice(from, to).join('');
    });
}

const DECODERS: Record<string, (config: JsonFields) => Decoder> = {
  ByteLevel: byteLevel,
  Metaspace: metaspace,
  ByteFallback: byteFallback,
  Strip: strip,
  Fuse: () => (tokens) => [tokens.join('')],
  Replace: (config) => {
    const pattern = compilePattern(config.object('pattern'));
    const content = config.string('content');
    return (tokens) => tokens.map((token) => token.replace(pattern, () => content));
  },
  BPEDecoder: (config) => {
    const suffix = config.optionalString('suffix') ?? '</w>';
    return (tokens) => tokens.map((token, i) => token.replaceAll(suffix, i === tokens.length - 1 ? '' : ' '));
  },
  Sequence: (config) => {
    const steps = config.objects('decoders').map(createDecoder);
    return (tokens) => steps.reduce((current, step) => step(current), tokens);
  },
};

export function createDecoder(config: JsonFields): Decoder {
  const type = config.type();
  const create = DECODERS[type];
  if (!create) throw new UnsupportedTokenizerError('decoder', type, Object.keys(DECODERS));
  return create(config);
}

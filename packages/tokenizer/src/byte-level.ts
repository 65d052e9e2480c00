/**
 * GPT-2's reversible byte <-> character table: printable Latin-1 bytes stand for themselves, the other
 * 68 bytes are shifted to U+0100..U+0143 so that every byte has a visible, non-space character.
 */
function buildByteToCharCode(): Uint16Array {
  const table = new Uint16Array(256);
  const isPrintable = (b: number) =>
    (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let shifted = 0;
  for (let b = 0; b < 256; b++) table[b] = isPrintable(b) ? b : 256 + shifted++;
  return table;
}

export const BYTE_TO_CHAR_CODE: Uint16Array = buildByteToCharCode();

/** Inverse of BYTE_TO_CHAR_CODE, indexed by char code; -1 where a code stands for no byte. */
export const CHAR_CODE_TO_BYTE: Int16Array = (() => {
  const table = new Int16Array(0x144).fill(-1);
  BYTE_TO_CHAR_CODE.forEach((code, byte) => {
    table[code] = byte;
  });
  return table;
})();

const utf8Encoder = new TextEncoder();

/** The byte-level form of a string, as it appears in the vocabulary ("Ġhello" for " hello"). */
export function toByteLevel(text: string): string {
  const bytes = utf8Encoder.encode(text);
  let out = '';
  for (const byte of bytes) out += String.fromCharCode(BYTE_TO_CHAR_CODE[byte]!);
  return out;
}

/**
 * Appends the bytes a byte-level token stands for. A token with a character outside the table (an
 * added token like "<|im_start|>" is inside it; one with a space is not) contributes its own UTF-8, as
 * the Rust ByteLevel decoder does.
 */
export function appendByteLevelBytes(token: string, out: number[]): void {
  const start = out.length;
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    const byte = code < CHAR_CODE_TO_BYTE.length ? CHAR_CODE_TO_BYTE[code]! : -1;
    if (byte < 0) {
      out.length = start;
      for (const b of utf8Encoder.encode(token)) out.push(b);
      return;
    }
    out.push(byte);
  }
}

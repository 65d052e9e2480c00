import type { JsonFields } from './json-fields';

/*
 * tokenizer.json regexes are written for Oniguruma (the Rust crate's engine). Translating them into JS
 * RegExp syntax with the same meaning on the constructs tokenizers use:
 * - \s, \d, \w and their negations are Unicode-aware in Oniguruma but not in JS: spelled as properties;
 * - `(?i:...)` has no JS equivalent before ES2025: letters inside become [xX] (ASCII case folding);
 * - possessive quantifiers (`\s++`) and atomic groups become plain ones (same matches for these patterns);
 * - `.`, `^`, `$` follow Oniguruma's line semantics; a lone `{` or `}` is a literal.
 */

const WORD_CHARS = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}';

const ESCAPES_OUTSIDE_CLASS: Record<string, string> = {
  s: '\\p{White_Space}',
  S: '\\P{White_Space}',
  d: '\\p{Nd}',
  D: '\\P{Nd}',
  w: `[${WORD_CHARS}]`,
  W: `[^${WORD_CHARS}]`,
  h: '[0-9A-Fa-f]',
  H: '[^0-9A-Fa-f]',
  A: '(?<![\\s\\S])',
  z: '(?![\\s\\S])',
  Z: '(?=\\n?(?![\\s\\S]))',
  a: '\\x07',
  e: '\\x1B',
};

const ESCAPES_IN_CLASS: Record<string, string> = {
  s: '\\p{White_Space}',
  S: '\\P{White_Space}',
  d: '\\p{Nd}',
  D: '\\P{Nd}',
  w: WORD_CHARS,
  h: '0-9A-Fa-f',
  a: '\\x07',
  e: '\\x1B',
};

/** Escapes that mean the same in both engines. */
const SHARED_ESCAPES = new Set([
  'n',
  'r',
  't',
  'f',
  'v',
  '0',
  'b',
  'B',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
]);
const JS_SYNTAX_CHARS = new Set('^$\\.*+?()[]{}|/');
const CLASS_SPECIAL_CHARS = new Set('\\]^-[');

const isAsciiLetter = (cp: number) => (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122);
const swapAsciiCase = (cp: number) => cp ^ 0x20;

function classChar(cp: number): string {
  const char = String.fromCodePoint(cp);
  return CLASS_SPECIAL_CHARS.has(char) ? `\\${char}` : char;
}

function literalChar(cp: number): string {
  const char = String.fromCodePoint(cp);
  return JS_SYNTAX_CHARS.has(char) ? `\\${char}` : char;
}

/** Escape sequences: a single character, or a set written in JS syntax. */
type Escape = { char: number; length: number } | { set: string; length: number };

class Translator {
  private out = '';
  private fold = false;
  private readonly foldStack: boolean[] = [];
  /** What the last emitted item was, to tell possessive `+` from a repeat. */
  private last: 'atom' | 'quantifier' | 'brace-quantifier' | 'none' = 'none';

  constructor(
    private readonly source: string,
    private readonly fail: (detail: string) => never,
  ) {}

  translate(): string {
    const src = this.source;
    let i = 0;
    while (i < src.length) {
      const char = src[i]!;
      if (char === '\\') {
        const escaped = this.readEscape(i, false);
        this.atom('set' in escaped ? escaped.set : this.foldedLiteral(escaped.char));
        i += escaped.length;
      } else if (char === '[') {
        i = this.readClass(i);
      } else if (char === '(') {
        i = this.openGroup(i);
      } else if (char === ')') {
        this.out += ')';
        this.fold = this.foldStack.pop() ?? false;
        this.last = 'atom';
        i++;
      } else if (char === '*' || char === '+' || char === '?') {
        i = this.quantifier(char, i);
      } else if (char === '{') {
        i = this.braceQuantifier(i);
      } else if (char === '|') {
        this.out += '|';
        this.last = 'none';
        i++;
      } else if (char === '.') {
        this.atom('[^\\n]');
        i++;
      } else if (char === '^') {
        this.atom('(?<![^\\n])');
        i++;
      } else if (char === '$') {
        this.atom('(?![^\\n])');
        i++;
      } else {
        const cp = src.codePointAt(i)!;
        this.atom(this.foldedLiteral(cp));
        i += cp > 0xffff ? 2 : 1;
      }
    }
    if (this.foldStack.length > 0) this.fail('unbalanced parentheses');
    return this.out;
  }

  private atom(text: string): void {
    this.out += text;
    this.last = 'atom';
  }

  private foldedLiteral(cp: number): string {
    if (this.fold && isAsciiLetter(cp))
      return `[${String.fromCharCode(cp)}${String.fromCharCode(swapAsciiCase(cp))}]`;
    return literalChar(cp);
  }

  private openGroup(i: number): number {
    const src = this.source;
    this.foldStack.push(this.fold);
    this.last = 'none';
    if (src.startsWith('(?i:', i)) {
      this.fold = true;
      this.out += '(?:';
      return i + 4;
    }
    if (src.startsWith('(?>', i)) {
      this.out += '(?:';
      return i + 3;
    }
    for (const prefix of ['(?:', '(?=', '(?!', '(?<=', '(?<!']) {
      if (src.startsWith(prefix, i)) {
        this.out += prefix;
        return i + prefix.length;
      }
    }
    if (src.startsWith('(?', i)) this.fail(`unsupported group syntax at ${i} in ${JSON.stringify(src)}`);
    this.out += '(';
    return i + 1;
  }

  private quantifier(char: string, i: number): number {
    if (this.last === 'quantifier' && char === '+') return i + 1; // possessive: same matches here
    if (this.last === 'quantifier' && char === '?') {
      this.out += '?'; // lazy
      this.last = 'atom';
      return i + 1;
    }
    if (this.last === 'brace-quantifier')
      this.fail(`stacked quantifier at ${i} in ${JSON.stringify(this.source)}`);
    if (this.last !== 'atom') this.fail(`nothing to repeat at ${i} in ${JSON.stringify(this.source)}`);
    this.out += char;
    this.last = 'quantifier';
    return i + 1;
  }

  private braceQuantifier(i: number): number {
    const match = /^\{(\d*)(,?)(\d*)\}/.exec(this.source.slice(i));
    if (!match || (match[1] === '' && match[3] === '') || this.last !== 'atom') {
      this.atom('\\{');
      return i + 1;
    }
    const [text, min, comma, max] = match;
    this.out += `{${min || '0'}${comma}${max}}`;
    this.last = 'brace-quantifier';
    return i + text.length;
  }

  private readEscape(i: number, inClass: boolean): Escape {
    const src = this.source;
    const next = src[i + 1];
    if (next === undefined) this.fail('pattern ends with a backslash');
    const braced = /^\\([pPx])\{(\^?)([^}]*)\}/.exec(src.slice(i));
    if (braced) {
      const [text, kind, caret, body] = braced;
      if (kind === 'x') return { char: Number.parseInt(body!, 16), length: text.length };
      const negate = (kind === 'P') !== (caret === '^');
      return { set: this.property(body!, negate), length: text.length };
    }
    const fixed = /^\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4})/.exec(src.slice(i));
    if (fixed) return { char: Number.parseInt(fixed[0].slice(2), 16), length: fixed[0].length };
    const rewrite = (inClass ? ESCAPES_IN_CLASS : ESCAPES_OUTSIDE_CLASS)[next];
    if (rewrite !== undefined) return { set: rewrite, length: 2 };
    if (SHARED_ESCAPES.has(next)) return { set: `\\${next}`, length: 2 };
    if (/[A-Za-z0-9]/.test(next)) this.fail(`unsupported escape \\${next} in ${JSON.stringify(src)}`);
    const cp = src.codePointAt(i + 1)!;
    return { char: cp, length: cp > 0xffff ? 3 : 2 };
  }

  private property(name: string, negate: boolean): string {
    const p = negate ? 'P' : 'p';
    for (const candidate of [name, `Script=${name}`]) {
      try {
        new RegExp(`\\p{${candidate}}`, 'u');
        return `\\${p}{${candidate}}`;
      } catch {}
    }
    return this.fail(`unknown Unicode property ${name}`);
  }

  private readClass(start: number): number {
    const src = this.source;
    let i = start + 1;
    let body = '';
    if (src[i] === '^') {
      body = '^';
      i++;
    }
    const readItem = (): { cp: number } | { set: string } => {
      if (src[i] === '\\') {
        const escaped = this.readEscape(i, true);
        i += escaped.length;
        return 'set' in escaped ? { set: escaped.set } : { cp: escaped.char };
      }
      if (src[i] === '[' || src.startsWith('&&', i))
        this.fail(`nested classes and intersections are not supported`);
      const cp = src.codePointAt(i)!;
      i += cp > 0xffff ? 2 : 1;
      return { cp };
    };
    while (src[i] !== ']') {
      if (i >= src.length) this.fail(`unterminated character class in ${JSON.stringify(src)}`);
      const item = readItem();
      if (!('cp' in item)) {
        body += item.set;
        continue;
      }
      if (src[i] === '-' && src[i + 1] !== ']' && i + 1 < src.length) {
        i++;
        const end = readItem();
        if (!('cp' in end)) this.fail(`range ending in a set in ${JSON.stringify(src)}`);
        body += `${classChar(item.cp)}-${classChar(end.cp)}`;
        if (this.fold && isAsciiLetter(item.cp) && isAsciiLetter(end.cp) && (item.cp ^ end.cp) < 0x20) {
          body += `${classChar(swapAsciiCase(item.cp))}-${classChar(swapAsciiCase(end.cp))}`;
        }
        continue;
      }
      body += classChar(item.cp);
      if (this.fold && isAsciiLetter(item.cp)) body += classChar(swapAsciiCase(item.cp));
    }
    this.atom(`[${body}]`);
    return i + 1;
  }
}

/** Translates an Oniguruma pattern into JS RegExp source (to be compiled with the `u` flag). */
export function translateOnigurumaPattern(source: string, fail: (detail: string) => never): string {
  return new Translator(source, fail).translate();
}

function escapeLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Compiles a tokenizer.json pattern object (`{"Regex": ...}` or `{"String": ...}`) into a global RegExp. */
export function compilePattern(pattern: JsonFields): RegExp {
  const fail = (detail: string): never => pattern.fail(detail);
  const source = pattern.has('Regex')
    ? translateOnigurumaPattern(pattern.string('Regex'), fail)
    : escapeLiteral(pattern.string('String'));
  try {
    return new RegExp(source, 'gu');
  } catch (error) {
    return fail(`cannot compile pattern: ${(error as Error).message}`);
  }
}

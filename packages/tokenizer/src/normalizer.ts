import { UnsupportedTokenizerError } from './errors';
import type { JsonFields } from './json-fields';
import { compilePattern } from './regex';

export type Normalizer = (text: string) => string;

const WHITESPACE_START = /^\p{White_Space}+/u;
const WHITESPACE_END = /\p{White_Space}+$/u;

const NORMALIZERS: Record<string, (config: JsonFields) => Normalizer> = {
  NFC: () => (text) => text.normalize('NFC'),
  NFD: () => (text) => text.normalize('NFD'),
  NFKC: () => (text) => text.normalize('NFKC'),
  NFKD: () => (text) => text.normalize('NFKD'),
  Lowercase: () => (text) => text.toLowerCase(),
  Strip: (config) => {
    const left = config.boolean('strip_left', true);
    const right = config.boolean('strip_right', true);
    return (text) => {
      const stripped = left ? text.replace(WHITESPACE_START, '') : text;
      return right ? stripped.replace(WHITESPACE_END, '') : stripped;
    };
  },
  Prepend: (config) => {
    const prefix = config.string('prepend');
    return (text) => (text.length > 0 ? prefix + text : text);
  },
  Replace: (config) => {
    const pattern = compilePattern(config.object('pattern'));
    const content = config.string('content');
    return (text) => text.replace(pattern, () => content);
  },
  Sequence: (config) => {
    const steps = config.objects('normalizers').map(createNormalizer);
    return (text) => steps.reduce((current, step) => step(current), text);
  },
};

export function createNormalizer(config: JsonFields): Normalizer {
  const type = config.type();
  const create = NORMALIZERS[type];
  if (!create) throw new UnsupportedTokenizerError('normalizer', type, Object.keys(NORMALIZERS));
  return create(config);
}

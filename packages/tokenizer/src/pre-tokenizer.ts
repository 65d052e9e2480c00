import { UnsupportedTokenizerError } from './errors';
import type { JsonFields } from './json-fields';
import { compilePattern } from './regex';

export type PieceSink = (piece: string) => void;

/** Splits one section of normalized text (the text between two added tokens) into pieces for the model. */
export interface PreTokenizer {
  /** `atStart`: the section begins the input (Metaspace's `prepend_scheme: "first"` needs it). */
  split(text: string, atStart: boolean, emit: PieceSink): void;
}

export interface PreTokenizerSetup {
  preTokenizer: PreTokenizer | null;
  /** A ByteLevel pre-tokenizer ends the chain: the model maps each piece's UTF-8 bytes to byte-level symbols. */
  byteLevel: boolean;
}

type SplitBehavior = 'Removed' | 'Isolated' | 'MergedWithPrevious' | 'MergedWithNext' | 'Contiguous';
const SPLIT_BEHAVIORS: readonly SplitBehavior[] = [
  'Removed',
  'Isolated',
  'MergedWithPrevious',
  'MergedWithNext',
  'Contiguous',
];

/** GPT-2's split, used by a ByteLevel pre-tokenizer with `use_regex`. */
const GPT2_PATTERN =
  /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\p{White_Space}\p{L}\p{N}]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+/uy;

/**
 * Emits every match and every gap between matches. `sticky` is the pattern with the `y` flag: testing
 * it at each position avoids the match arrays `exec` allocates, which dominate on short pieces.
 */
function splitIsolated(sticky: RegExp, text: string, emit: PieceSink): void {
  let position = 0;
  let gapStart = 0;
  while (position < text.length) {
    sticky.lastIndex = position;
    if (sticky.test(text) && sticky.lastIndex > position) {
      const end = sticky.lastIndex;
      if (gapStart < position) emit(text.slice(gapStart, position));
      emit(text.slice(position, end));
      position = gapStart = end;
    } else {
      position += text.codePointAt(position)! > 0xffff ? 2 : 1;
    }
  }
  if (gapStart < text.length) emit(text.slice(gapStart));
}

type Segment = { start: number; end: number; isMatch: boolean };

function findSegments(pattern: RegExp, text: string, invert: boolean): Segment[] {
  const segments: Segment[] = [];
  let previousEnd = 0;
  for (const match of text.matchAll(pattern)) {
    const start = match.index;
    if (match[0].length === 0) continue;
    if (start > previousEnd) segments.push({ start: previousEnd, end: start, isMatch: invert });
    segments.push({ start, end: start + match[0].length, isMatch: !invert });
    previousEnd = start + match[0].length;
  }
  if (previousEnd < text.length) segments.push({ start: previousEnd, end: text.length, isMatch: invert });
  return segments;
}

/** The Rust crate's SplitDelimiterBehavior, applied to matched / unmatched segments. */
function applyBehavior(segments: Segment[], behavior: SplitBehavior): Segment[] {
  switch (behavior) {
    case 'Isolated':
      return segments;
    case 'Removed':
      return segments.filter((segment) => !segment.isMatch);
    case 'MergedWithPrevious':
    case 'Contiguous': {
      const merged: Segment[] = [];
      let previousMatch = false;
      for (const segment of segments) {
        const last = merged[merged.length - 1];
        const joins =
          behavior === 'Contiguous' ? segment.isMatch === previousMatch : segment.isMatch && !previousMatch;
        if (joins && last) last.end = segment.end;
        else merged.push({ ...segment });
        previousMatch = segment.isMatch;
      }
      return merged;
    }
    case 'MergedWithNext': {
      const merged: Segment[] = [];
      let previousMatch = false;
      for (let i = segments.length - 1; i >= 0; i--) {
        const segment = segments[i]!;
        const last = merged[merged.length - 1];
        if (segment.isMatch && !previousMatch && last) last.start = segment.start;
        else merged.push({ ...segment });
        previousMatch = segment.isMatch;
      }
      return merged.reverse();
    }
  }
}

class PatternSplit implements PreTokenizer {
  private readonly sticky: RegExp;

  constructor(
    private readonly pattern: RegExp,
    private readonly behavior: SplitBehavior,
    private readonly invert: boolean,
  ) {
    this.sticky = new RegExp(pattern.source, 'uy');
  }

  split(text: string, _atStart: boolean, emit: PieceSink): void {
    if (this.behavior === 'Isolated') {
      splitIsolated(this.sticky, text, emit);
      return;
    }
    for (const { start, end } of applyBehavior(
      findSegments(this.pattern, text, this.invert),
      this.behavior,
    )) {
      emit(text.slice(start, end));
    }
  }
}

class ByteLevelSplit implements PreTokenizer {
  constructor(
    private readonly addPrefixSpace: boolean,
    private readonly useRegex: boolean,
  ) {}

  split(text: string, _atStart: boolean, emit: PieceSink): void {
    const prefixed = this.addPrefixSpace && !text.startsWith(' ') ? ` ${text}` : text;
    if (this.useRegex) splitIsolated(GPT2_PATTERN, prefixed, emit);
    else emit(prefixed);
  }
}

class MetaspaceSplit implements PreTokenizer {
  private readonly splitter: PatternSplit | null;

  constructor(
    private readonly replacement: string,
    private readonly prependScheme: 'always' | 'first' | 'never',
    split: boolean,
  ) {
    const pattern = new RegExp(replacement.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'), 'gu');
    this.splitter = split ? new PatternSplit(pattern, 'MergedWithNext', false) : null;
  }

  split(text: string, atStart: boolean, emit: PieceSink): void {
    let replaced = text.replaceAll(' ', this.replacement);
    const prepend = this.prependScheme === 'always' || (this.prependScheme === 'first' && atStart);
    if (prepend && !replaced.startsWith(this.replacement)) replaced = this.replacement + replaced;
    if (this.splitter) this.splitter.split(replaced, atStart, emit);
    else emit(replaced);
  }
}

class SequenceSplit implements PreTokenizer {
  constructor(private readonly steps: readonly PreTokenizer[]) {}

  split(text: string, atStart: boolean, emit: PieceSink): void {
    this.run(0, text, atStart, emit);
  }

  private run(index: number, text: string, atStart: boolean, emit: PieceSink): void {
    const step = this.steps[index];
    if (!step) {
      emit(text);
      return;
    }
    let first = atStart;
    step.split(text, atStart, (piece) => {
      this.run(index + 1, piece, first, emit);
      first = false;
    });
  }
}

function metaspaceScheme(config: JsonFields): 'always' | 'first' | 'never' {
  if (!config.boolean('add_prefix_space', true)) return 'never';
  const scheme = config.optionalString('prepend_scheme') ?? 'always';
  if (scheme !== 'always' && scheme !== 'first' && scheme !== 'never')
    config.fail(`unknown prepend_scheme ${scheme}`);
  return scheme;
}

/** One step; null for a step that changes nothing (a ByteLevel without regex or prefix space). */
type StepFactory = (config: JsonFields) => { step: PreTokenizer | null; byteLevel: boolean };

const STEPS: Record<string, StepFactory> = {
  Split: (config) => {
    const behavior = config.string('behavior') as SplitBehavior;
    if (!SPLIT_BEHAVIORS.includes(behavior)) config.fail(`unknown split behavior ${behavior}`);
    const step = new PatternSplit(
      compilePattern(config.object('pattern')),
      behavior,
      config.boolean('invert', false),
    );
    return { step, byteLevel: false };
  },
  ByteLevel: (config) => {
    const addPrefixSpace = config.boolean('add_prefix_space', true);
    const useRegex = config.boolean('use_regex', true);
    const step = addPrefixSpace || useRegex ? new ByteLevelSplit(addPrefixSpace, useRegex) : null;
    return { step, byteLevel: true };
  },
  Metaspace: (config) => {
    const replacement = config.string('replacement');
    const step = new MetaspaceSplit(replacement, metaspaceScheme(config), config.boolean('split', true));
    return { step, byteLevel: false };
  },
  Digits: (config) => {
    const behavior = config.boolean('individual_digits', false) ? 'Isolated' : 'Contiguous';
    return { step: new PatternSplit(/\p{N}/gu, behavior, false), byteLevel: false };
  },
  Sequence: (config) => {
    const parts = config.objects('pretokenizers').map(createStep);
    const byteLevelAt = parts.findIndex((part) => part.byteLevel);
    if (byteLevelAt >= 0 && byteLevelAt !== parts.length - 1)
      config.fail('ByteLevel must be the last pre-tokenizer');
    const steps = parts.flatMap((part) => (part.step ? [part.step] : []));
    const step = steps.length === 0 ? null : steps.length === 1 ? steps[0]! : new SequenceSplit(steps);
    return { step, byteLevel: byteLevelAt >= 0 };
  },
};

function createStep(config: JsonFields): { step: PreTokenizer | null; byteLevel: boolean } {
  const type = config.type();
  const create = STEPS[type];
  if (!create) throw new UnsupportedTokenizerError('pre-tokenizer', type, Object.keys(STEPS));
  return create(config);
}

export function createPreTokenizer(config: JsonFields | null): PreTokenizerSetup {
  if (!config) return { preTokenizer: null, byteLevel: false };
  const { step, byteLevel } = createStep(config);
  return { preTokenizer: step, byteLevel };
}

import { i32 } from '@unmask/tensor';
import type { DlcmModel } from '../model';
import { DlcmGenerationError } from './errors';

/** Tokens [start, end) of one concept. */
export interface ConceptSegment {
  start: number;
  end: number;
}

export interface TextSegmentation {
  /** p_t of every token (1 at position 0). */
  probabilities: number[];
  /** Positions of the tokens that start a concept (0 always). */
  boundaries: number[];
  segments: ConceptSegment[];
}

/**
 * The concepts the model cuts ids into (what `inspect --segments` prints): the encoder and the
 * boundary detector of the full forward, which decide boundaries from tokens <= t alone. A
 * token-only model has none: a `NoConceptPathError`.
 */
export function conceptSegments(model: DlcmModel, ids: readonly number[]): TextSegmentation {
  model.requireConceptPath('concept segments');
  const { vocabSize } = model.config;
  if (ids.length === 0) throw new DlcmGenerationError('ids', ids, 'nothing to segment');
  ids.forEach((id, i) => {
    if (!(Number.isInteger(id) && id >= 0 && id < vocabSize))
      throw new DlcmGenerationError(
        'ids',
        ids,
        `id ${id} at index ${i} is not a token id below ${vocabSize}`,
      );
  });
  const { probabilities, starts } = model.detect(model.encode(i32([1, ids.length], ids)));
  const boundaries = ids.flatMap((_, t) => (starts[t] === 1 ? [t] : []));
  const segments = boundaries.map((start, j) => ({ start, end: boundaries[j + 1] ?? ids.length }));
  return { probabilities: Array.from(probabilities), boundaries, segments };
}

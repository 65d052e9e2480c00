import { UnsupportedTokenizerError } from './errors';
import type { JsonFields } from './json-fields';

/** Adds a model's special tokens around an encoded sequence (only with `addSpecialTokens`). */
export type PostProcessor = (ids: number[]) => number[];

/** TemplateProcessing's `single` template: special tokens' ids and the place of the sequence. */
function templateProcessing(config: JsonFields): PostProcessor {
  const specialTokens = config.object('special_tokens');
  const parts: (number[] | 'sequence')[] = config.objects('single').map((item) => {
    if (item.has('Sequence')) return 'sequence';
    const name = item.object('SpecialToken').string('id');
    const ids = specialTokens.object(name).array('ids');
    if (!ids.every((id) => Number.isInteger(id))) specialTokens.fail(`ids of "${name}" must be integers`);
    return ids as number[];
  });
  return (ids) => parts.flatMap((part) => (part === 'sequence' ? ids : part));
}

/** BertProcessing / RobertaProcessing: `cls` + sequence + `sep`, each given as [token, id]. */
function clsSepProcessing(config: JsonFields): PostProcessor {
  const idOf = (key: string): number => {
    const pair = config.array(key);
    if (typeof pair[1] !== 'number') config.fail(`"${key}" must be [token, id]`);
    return pair[1];
  };
  const cls = idOf('cls');
  const sep = idOf('sep');
  return (ids) => [cls, ...ids, sep];
}

const POST_PROCESSORS: Record<string, (config: JsonFields) => PostProcessor> = {
  TemplateProcessing: templateProcessing,
  // Only adjusts offsets, which we do not report.
  ByteLevel: () => (ids) => ids,
  BertProcessing: clsSepProcessing,
  RobertaProcessing: clsSepProcessing,
  Sequence: (config) => {
    const steps = config.objects('processors').map(createPostProcessor);
    return (ids) => steps.reduce((current, step) => step(current), ids);
  },
};

export function createPostProcessor(config: JsonFields): PostProcessor {
  const type = config.type();
  const create = POST_PROCESSORS[type];
  if (!create) throw new UnsupportedTokenizerError('post-processor', type, Object.keys(POST_PROCESSORS));
  return create(config);
}

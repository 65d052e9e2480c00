import type { RawConfig } from '../config';
import { ModelConfigError } from '../errors';
import type { ModelFamily } from '../family';
import { dream } from './dream';
import { llada } from './llada';

const families: ModelFamily[] = [llada, dream];

/** Adds a family (e.g. from another package); a later registration wins for the same model_type. */
export function registerFamily(family: ModelFamily): void {
  families.unshift(family);
}

export function listFamilies(): readonly ModelFamily[] {
  return families;
}

/** The family of a config.json, by `model_type` first, then by `architectures`. */
export function findFamily(raw: RawConfig, where: string): ModelFamily {
  const modelType = raw['model_type'];
  const architectures = Array.isArray(raw['architectures']) ? raw['architectures'] : [];
  const family =
    families.find((f) => typeof modelType === 'string' && f.modelTypes.includes(modelType)) ??
    families.find((f) => architectures.some((a) => f.architectures.includes(a)));
  if (family) return family;
  const supported = families.map(
    (f) => `${f.name} (model_type ${f.modelTypes.join('/')}, ${f.architectures.join('/')})`,
  );
  throw new ModelConfigError(
    `${where}: unsupported architecture (model_type ${JSON.stringify(modelType)}, architectures ${JSON.stringify(architectures)}); supported: ${supported.join('; ')}`,
  );
}

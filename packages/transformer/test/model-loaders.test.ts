import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { f32 } from '@unmask/tensor';
import { describe, expect, it } from 'vitest';
import { loadAnyModel, ModelConfigError, type ModelLoader, readModelKind, registerModelLoader } from '../src';

const config = { vocabSize: 3, maxPositions: 8, eosTokenId: undefined };
const toyLoader: ModelLoader = {
  name: 'toy',
  modelTypes: ['toy-lm'],
  load: () => ({ config, parameterCount: 0, logits: () => f32([1, 1, 3], [0, 1, 2]) }),
  describe: () => ({ config, summary: [] }),
};
registerModelLoader(toyLoader);

function folder(raw: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'unmask-kind-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(raw));
  return dir;
}

describe('model loaders', () => {
  it('routes a registered model_type to its loader and the rest to the diffusion families', () => {
    const toy = folder({ model_type: 'toy-lm' });
    expect(readModelKind(toy)).toEqual({ kind: 'next-token', loader: toyLoader });
    const loaded = loadAnyModel(toy);
    expect(loaded.kind === 'next-token' && loaded.model.config).toBe(config);
    expect(readModelKind(folder({ model_type: 'llada' }))).toEqual({ kind: 'diffusion' });
  });

  it('names the loaders among the supported kinds of an unknown model_type', () => {
    const unknown = folder({ model_type: 'gpt9' });
    expect(() => readModelKind(unknown)).toThrow(ModelConfigError);
    expect(() => readModelKind(unknown)).toThrow(/unsupported architecture.*toy \(model_type toy-lm\)/);
  });
});

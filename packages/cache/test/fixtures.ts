import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FIXTURES_DIR = fileURLToPath(new URL('../../../test-data/fixtures/', import.meta.url));

export function fixtureDir(model: string): string {
  return `${FIXTURES_DIR}${model}`;
}

export interface LladaCase {
  name: string;
  prompt: number[];
  params: { gen_length: number; block_length: number; steps: number; mask_id: number };
  steps: { step: number; block: number; sequence: number[] }[];
}

/** The LLaDA cases of generate.json: prompts, settings and the canvas after every official step. */
export function lladaCases(model: string): LladaCase[] {
  return (JSON.parse(readFileSync(`${fixtureDir(model)}/generate.json`, 'utf8')) as { cases: LladaCase[] })
    .cases;
}

/** The canvases the official sampler ran its forwards on, with the block each step was in. */
export function canvases(
  c: LladaCase,
): { ids: number[]; step: number; blockStart: number; blockEnd: number }[] {
  const promptLength = c.prompt.length;
  const initial = [...c.prompt, ...Array<number>(c.params.gen_length).fill(c.params.mask_id)];
  return c.steps.map((s, i) => {
    const blockStart = promptLength + s.block * c.params.block_length;
    return {
      ids: i === 0 ? initial : c.steps[i - 1]!.sequence,
      step: s.step,
      blockStart,
      blockEnd: blockStart + c.params.block_length,
    };
  });
}

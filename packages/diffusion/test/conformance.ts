import '@unmask/backend-ort';
import { createPolicy, type DllmCacheTrace } from '@unmask/cache';
import { getBackend, listBackends } from '@unmask/tensor';
import { loadModel } from '@unmask/transformer';
import { describe, expect, it } from 'vitest';
import { type GenerateOptions, generate, type StepEvent } from '../src';
import {
  type DllmCacheFixture,
  type DreamParams,
  fixtureDir,
  type GenerateFixture,
  type LladaParams,
  readFixture,
  type TraceCall,
  type TraceStep,
} from './fixtures';

function optionsOf(params: LladaParams | DreamParams): GenerateOptions {
  if ('gen_length' in params) {
    return {
      genLength: params.gen_length,
      blockLength: params.block_length,
      steps: params.steps,
      cfgScale: params.cfg_scale,
      temperature: params.temperature,
      remasking: params.remasking,
    };
  }
  return {
    genLength: params.max_new_tokens,
    steps: params.steps,
    alg: params.alg,
    eps: params.eps,
    temperature: params.temperature,
  };
}

/** Every step commits the same positions and tokens as the official trace, and the final sequences agree. */
function expectSameTrace(
  events: StepEvent[],
  sequence: Int32Array,
  steps: TraceStep[],
  final: number[],
): void {
  expect(events.map((e) => e.step)).toEqual(steps.map((s) => s.step));
  steps.forEach((expected, i) => {
    const event = events[i]!;
    const committed = expected.committed_positions.map((p, j) => [p, expected.committed_tokens[j]]);
    expect(
      { step: event.step, block: event.block, committed: event.committed },
      `step ${expected.step}`,
    ).toEqual({
      step: expected.step,
      block: expected.block ?? 0,
      committed,
    });
    expect(Array.from(event.canvas), `sequence after step ${expected.step}`).toEqual(expected.sequence);
  });
  expect(Array.from(sequence)).toEqual(final);
}

/** Our per-forward traces in the fixture's `calls` shape (the boundary cosines are compared separately). */
function asCalls(traces: DllmCacheTrace[]): TraceCall[] {
  return traces.map((t) => ({
    cache_type: t.stream === 'cond' ? 'no_cfg' : 'cfg',
    layers: t.layers.map((l) => ({
      layer: l.layer,
      step_counter: t.forward,
      refresh_prompt: l.refreshPrompt,
      refresh_gen: l.refreshGen,
      branch: l.branch,
      transfer_index: l.transferIndex,
    })),
  }));
}

function withoutBoundaries(calls: TraceCall[]): TraceCall[] {
  return calls.map((c) => ({ ...c, layers: c.layers.map(({ cos_boundary: _, ...rest }) => rest) }));
}

/**
 * The official traces of one fixture model, on every registered backend: generate.json with no
 * cache, and every dllm_cache.json run with the dllm-cache policy (selections and branches included).
 */
export function describeOfficialTraces(name: string): void {
  const plain = readFixture<GenerateFixture>(name, 'generate.json');
  const cached = name === 'llada-tiny-2' ? undefined : readFixture<DllmCacheFixture>(name, 'dllm_cache.json');
  for (const backendName of listBackends()) {
    describe(`${name} on ${backendName} reproduces the official traces`, () => {
      const model = loadModel(fixtureDir(name), { backend: getBackend(backendName) });

      for (const c of plain.cases) {
        it(`generate ${c.name}`, () => {
          const events: StepEvent[] = [];
          const result = generate(model, c.prompt, { ...optionsOf(c.params), onStep: (e) => events.push(e) });
          expectSameTrace(events, result.sequence, c.steps, c.final);
        });
      }

      for (const c of cached?.cases ?? []) {
        it(`dllm_cache ${c.name}: no_cache is the plain trace`, () => {
          const same = plain.cases.find((p) => p.name === c.name)!;
          expect(c.no_cache.equals_plain_generate).toBe(true);
          expect(c.no_cache.final).toEqual(same.final);
        });
        for (const run of c.runs) {
          const { prompt_interval_steps: kp, gen_interval_steps: kr, transfer_ratio: rho } = run.cache;
          it(`dllm_cache ${c.name} Kp=${kp} Kr=${kr} rho=${rho}`, () => {
            const traces: DllmCacheTrace[] = [];
            const policy = createPolicy('dllm-cache', {
              promptInterval: kp,
              responseInterval: kr,
              transferRatio: rho,
              onTrace: (t) => traces.push(t),
            });
            const events: StepEvent[] = [];
            const result = generate(model, c.prompt, {
              ...optionsOf(c.params),
              policy,
              onStep: (e) => events.push(e),
            });
            expectSameTrace(events, result.sequence, run.steps, run.final);
            for (const step of run.steps) {
              const ours = traces.filter((t) => t.step === step.step);
              expect(asCalls(ours), `calls of step ${step.step}`).toEqual(withoutBoundaries(step.calls!));
              step.calls!.forEach((call, i) => {
                call.layers.forEach((layer, j) => {
                  const boundary = ours[i]!.layers[j]!.cosBoundary;
                  expect(boundary === undefined, `cos boundary presence, step ${step.step} layer ${j}`).toBe(
                    layer.cos_boundary === undefined,
                  );
                  for (const [k, cos] of (layer.cos_boundary ?? []).entries()) {
                    expect(Math.abs(boundary![k]! - cos)).toBeLessThan(1e-5);
                  }
                });
              });
            }
          });
        }
      }
    });
  }
}

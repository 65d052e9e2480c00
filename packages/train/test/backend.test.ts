import { createOrtBackend } from '@unmask/backend-ort';
import { type Backend, cpuBackend } from '@unmask/tensor';
import { relativeError } from '@unmask/tensor/conformance';
import { describe, expect, it } from 'vitest';
import {
  assertReadsWeightsLive,
  LladaTrainModel,
  maskBatch,
  maskedDiffusionLoss,
  Rng,
  Tape,
  TrainError,
} from '../src';
import { tinyConfig } from './fixtures';

describe('backends for training', () => {
  it('refuses a backend that bakes weights into sessions, accepts one that reads them live', () => {
    expect(() => assertReadsWeightsLive(createOrtBackend({ intraOpNumThreads: 1 }))).toThrow(TrainError);
    expect(() =>
      assertReadsWeightsLive(createOrtBackend({ bakeBudgetBytes: 0, intraOpNumThreads: 1 })),
    ).not.toThrow();
    expect(() => assertReadsWeightsLive(cpuBackend)).not.toThrow();
  });

  it('gives the same loss and gradients on onnxruntime as on the cpu backend', () => {
    const gradients = (backend: Backend) => {
      const config = tinyConfig();
      const model = LladaTrainModel.initialize(config, new Rng(4), 0.3);
      const clean = Int32Array.from({ length: 2 * 8 }, (_, i) => (i * 7) % 11);
      const masked = maskBatch(clean, 2, 8, config.maskTokenId!, new Rng(5));
      const tape = new Tape(backend);
      const loss = maskedDiffusionLoss(tape, model, masked);
      tape.backward(loss);
      return {
        loss: (loss.value.data as Float32Array)[0]!,
        grads: model.parameters.map((p) => p.grad!.data as Float32Array),
      };
    };
    const cpu = gradients(cpuBackend);
    const ort = gradients(createOrtBackend({ bakeBudgetBytes: 0, intraOpNumThreads: 1 }));
    expect(Math.abs(ort.loss - cpu.loss) / cpu.loss).toBeLessThan(1e-5);
    const errors = cpu.grads.map((g, i) => relativeError(ort.grads[i]!, g));
    expect(Math.max(...errors)).toBeLessThan(1e-4);
  });
});

import type { Backend } from '../backend';
import { argmax } from './argmax';
import { attention } from './attention';
import { cosineRows } from './cosine-rows';
import { add, mul } from './elementwise';
import { embedding } from './embedding';
import { gatherRows } from './gather-rows';
import { layerNorm } from './layer-norm';
import { linear } from './linear';
import { matmul } from './matmul';
import { rmsNorm } from './rms-norm';
import { rope } from './rope';
import { scatterRows } from './scatter-rows';
import { silu, swiglu } from './silu';
import { logSoftmax, softmax } from './softmax';
import { topk } from './topk';

/** The pure-TypeScript backend: runs anywhere, the reference every faster backend is checked against. */
export const cpuBackend: Backend = {
  name: 'cpu',
  matmul,
  linear,
  add,
  mul,
  rmsNorm,
  layerNorm,
  rope,
  softmax,
  logSoftmax,
  silu,
  swiglu,
  attention,
  embedding,
  gatherRows,
  scatterRows,
  cosineRows,
  topk,
  argmax,
};

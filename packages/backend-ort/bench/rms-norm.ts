// Which RMS normalisation graph is fastest: opset-23 RMSNormalization, onnxruntime's
// SimplifiedLayerNormalization, or the composed Pow/ReduceMean/Sqrt/Div graph.
import { Tensor } from 'onnxruntime-common';
import { GraphBuilder } from '../src/onnx/model';
import { createSession } from '../src/session';
import { benchOptions, compare, randomF32, row } from './timing';

const D = 4096;
const EPS = 1e-5;

function graph(variant: 'RMSNormalization' | 'SimplifiedLayerNormalization' | 'composed'): GraphBuilder {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', ['R', D]);
  const w = g.input('w', 'float32', [D]);
  const attributes = { axis: { int: -1 }, epsilon: { float: EPS } };
  if (variant !== 'composed') {
    g.output(g.node(variant, [x, w], attributes), 'y', 'float32');
    return g;
  }
  const meanSquare = g.node('ReduceMean', [g.node('Mul', [x, x]), g.int64s([-1])], { keepdims: { int: 1 } });
  const rms = g.node('Sqrt', [g.node('Add', [meanSquare, g.floats([EPS])])]);
  g.output(g.node('Mul', [g.node('Div', [x, rms]), w]), 'y', 'float32');
  return g;
}

const variants = ['RMSNormalization', 'SimplifiedLayerNormalization', 'composed'] as const;
const options = benchOptions();
const sessions = variants.map((v) => createSession(graph(v).toModel(23), options));
const w = new Tensor('float32', randomF32(D, 2), [D]);
console.log(`rmsNorm, D=${D}, ${options.intraOpNumThreads} threads: µs per call`);
console.log(''.padEnd(14) + variants.map((v) => v.slice(0, 11).padStart(12)).join(''));
for (const rows of [1, 32, 256, 1024]) {
  const x = new Tensor('float32', randomF32(rows * D, 3), [rows, D]);
  const times = compare(Object.fromEntries(sessions.map((s, i) => [variants[i]!, () => s.run({ x, w })])));
  console.log(row(`rows=${rows}`, Object.values(times)));
}

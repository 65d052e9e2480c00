export { expectClose, expectExact, expectShapeError, relativeError, unchanged } from './check';
export { type InputGenerator, inputGenerator, mulberry32 } from './random';
export * from './reference';
export { type ConformanceOptions, runConformanceSuite } from './suite';

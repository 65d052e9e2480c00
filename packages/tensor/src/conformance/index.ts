export { expectClose, expectExact, expectShapeError, relativeError, unchanged } from './check';
export { type InputGenerator, inputGenerator } from './random';
export * from './reference';
export { type ConformanceOptions, runConformanceSuite } from './suite';

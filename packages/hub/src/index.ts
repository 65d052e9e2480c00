export * from './resolve/index';
export * from './safetensors/index';
export { writeFileAtomically } from './write-atomically';

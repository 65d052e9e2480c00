export * from './resolve/index';
export * from './safetensors/index';

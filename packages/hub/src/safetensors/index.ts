export { type Checkpoint, openCheckpoint } from './checkpoint';
export { DTYPE_SIZES, type SafetensorsDtype } from './dtypes';
export { SafetensorsError, type SafetensorsProblem } from './errors';
export { MAX_HEADER_BYTES, type TensorInfo } from './header';
export {
  parseSafetensorsIndex,
  readSafetensorsIndex,
  type SafetensorsIndex,
  SINGLE_WEIGHTS_FILE,
  WEIGHTS_INDEX_FILE,
} from './index-file';
export { openSafetensors, type SafetensorsFile, type TensorReader } from './open-file';
export { type TensorToWrite, writeSafetensors } from './write';

import type { TensorReader } from '@unmask/hub';

/** Called after each tensor a load reads: bytes read so far and the checkpoint's tensor bytes in all. */
export type LoadProgress = (readBytes: number, totalBytes: number) => void;

/** `source` reporting every tensor read to `onProgress` (a tensor read twice, e.g. a tied head, counts once). */
export function reportingReads(source: TensorReader, onProgress: LoadProgress): TensorReader {
  let total = 0;
  for (const info of source.tensors.values()) total += info.byteLength;
  let read = 0;
  const seen = new Set<string>();
  const count = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    read += source.tensors.get(name)?.byteLength ?? 0;
    onProgress(read, total);
  };
  return {
    tensors: source.tensors,
    metadata: source.metadata,
    readF32(name) {
      const tensor = source.readF32(name);
      count(name);
      return tensor;
    },
    readRaw(name) {
      const bytes = source.readRaw(name);
      count(name);
      return bytes;
    },
    close: () => source.close(),
  };
}

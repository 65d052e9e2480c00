import type { Tensor } from 'onnxruntime-common';
import { topkShape } from '../op-shapes';
import { f32, f32Data, i32 } from '../shape';

/**
 * Per row, a min-heap of the k best indices seen so far (worst at the root), then sorted: O(n log k).
 * "Better" is the larger value, or the lower index on equal values.
 */
export function topk(x: Tensor, k: number): { values: Tensor; indices: Tensor } {
  const { out, rows, n } = topkShape(x, k);
  const xs = f32Data(x);
  const values = f32(out);
  const indices = i32(out);
  const outValues = values.data as Float32Array;
  const outIndices = indices.data as Int32Array;
  const heap = new Int32Array(k);

  for (let r = 0; r < rows; r++) {
    const start = r * n;
    const better = (i: number, j: number): boolean => {
      const xi = xs[start + i]!;
      const xj = xs[start + j]!;
      return xi > xj || (xi === xj && i < j);
    };
    const siftDown = (size: number): void => {
      let parent = 0;
      for (;;) {
        const left = 2 * parent + 1;
        if (left >= size) return;
        const right = left + 1;
        const worse = right < size && better(heap[left]!, heap[right]!) ? right : left;
        if (!better(heap[parent]!, heap[worse]!)) return;
        const swap = heap[parent]!;
        heap[parent] = heap[worse]!;
        heap[worse] = swap;
        parent = worse;
      }
    };

    let size = 0;
    for (let i = 0; i < n && k > 0; i++) {
      if (size < k) {
        // Sift up the new leaf.
        let child = size++;
        heap[child] = i;
        while (child > 0) {
          const parent = (child - 1) >> 1;
          if (!better(heap[parent]!, heap[child]!)) break;
          const swap = heap[parent]!;
          heap[parent] = heap[child]!;
          heap[child] = swap;
          child = parent;
        }
      } else if (better(i, heap[0]!)) {
        heap[0] = i;
        siftDown(size);
      }
    }
    // Pop the worst into the last free slot until the heap is empty: best first.
    for (let last = size - 1; last >= 0; last--) {
      const worst = heap[0]!;
      heap[0] = heap[last]!;
      siftDown(last);
      outIndices[r * k + last] = worst;
      outValues[r * k + last] = xs[start + worst]!;
    }
  }
  return { values, indices };
}

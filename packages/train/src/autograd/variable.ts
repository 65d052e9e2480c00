import { f32, sameDims, type Tensor } from '@unmask/tensor';

/** Receives the gradient of the loss with respect to a variable's value and passes it on to the op's inputs. */
export type Backward = (grad: Tensor) => void;

/**
 * A node of the tape: a value, the gradient accumulated into it, and (for op outputs) the closure that
 * sends that gradient to the op's inputs.
 */
export class Variable {
  grad: Tensor | undefined;
  /**
   * Whether `grad` is a buffer this variable may add into. A gradient received first is kept as is
   * (one op may hand the same tensor to several inputs, as `add` does), and copied on the next add.
   */
  private ownsGrad = false;

  constructor(
    readonly value: Tensor,
    readonly requiresGrad: boolean,
    readonly backward?: Backward,
  ) {}

  get dims(): readonly number[] {
    return this.value.dims;
  }

  /** Adds `grad` (the value's shape, or any shape with as many elements) into this variable's gradient. */
  accumulate(grad: Tensor): void {
    if (grad.size !== this.value.size) {
      throw new RangeError(
        `gradient of [${grad.dims.join(', ')}] for a value of [${this.value.dims.join(', ')}]`,
      );
    }
    if (this.grad === undefined) {
      this.grad = sameDims(grad.dims, this.value.dims) ? grad : grad.reshape(this.value.dims);
      this.ownsGrad = false;
      return;
    }
    const into = this.writableGrad();
    const from = grad.data as Float32Array;
    for (let i = 0; i < into.length; i++) into[i]! += from[i]!;
  }

  /** The gradient's data, safe to modify in place (copied first when it may be shared). */
  writableGrad(): Float32Array {
    if (this.grad === undefined) {
      this.grad = f32(this.value.dims);
      this.ownsGrad = true;
    } else if (!this.ownsGrad) {
      this.grad = f32(this.value.dims, Float32Array.from(this.grad.data as Float32Array));
      this.ownsGrad = true;
    }
    return this.grad.data as Float32Array;
  }

  zeroGrad(): void {
    this.grad = undefined;
    this.ownsGrad = false;
  }
}

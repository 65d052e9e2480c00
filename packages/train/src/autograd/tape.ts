import { type Backend, f32, type Tensor } from '@unmask/tensor';
import { type Backward, Variable } from './variable';

export interface TapeOptions {
  /** Record backward closures; false for evaluation (no graph is kept). Default true. */
  grad?: boolean;
}

/**
 * Reverse-mode autograd: ops (src/autograd/ops) compute their value with the tape's backend and record a
 * backward closure; `backward` runs the closures newest first, which is a reverse topological order
 * because a node is always recorded after its inputs. A tape is used for one forward/backward pass.
 */
export class Tape {
  readonly grad: boolean;
  private nodes: Variable[] = [];

  constructor(
    readonly backend: Backend,
    options: TapeOptions = {},
  ) {
    this.grad = options.grad ?? true;
  }

  /** A value no gradient flows into. */
  constant(value: Tensor): Variable {
    return new Variable(value, false);
  }

  /** An op's output; `backward` runs only when some input requires a gradient. */
  record(value: Tensor, inputs: readonly Variable[], backward: Backward): Variable {
    const requiresGrad = this.grad && inputs.some((input) => input.requiresGrad);
    if (!requiresGrad) return new Variable(value, false);
    const node = new Variable(value, true, backward);
    this.nodes.push(node);
    return node;
  }

  /**
   * Accumulates d(loss)/d(leaf) into every leaf that requires a gradient (parameters keep theirs until
   * zeroed, which is how micro-batches accumulate). `loss` must hold one value. The tape is spent after.
   */
  backward(loss: Variable): void {
    if (loss.value.size !== 1) {
      throw new RangeError(`backward needs a scalar loss, got [${loss.value.dims.join(', ')}]`);
    }
    if (!loss.requiresGrad) return;
    loss.accumulate(f32(loss.value.dims, [1]));
    const nodes = this.nodes;
    this.nodes = [];
    for (let i = nodes.length - 1; i >= 0; i--) {
      const node = nodes[i]!;
      if (node.grad === undefined) continue;
      node.backward!(node.grad);
      node.zeroGrad();
    }
  }
}

/** Base class of every error Unmask raises on purpose: callers can tell ours from bugs. */
export class UnmaskError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An op was called with shapes, dtypes or arguments it does not accept. Names the op and the shapes. */
export class ShapeError extends UnmaskError {
  constructor(
    readonly op: string,
    readonly detail: string,
    readonly shapes: Readonly<Record<string, readonly number[]>>,
  ) {
    const listed = Object.entries(shapes)
      .map(([name, dims]) => `${name}=[${dims.join(', ')}]`)
      .join(' ');
    super(`${op}: ${detail}${listed ? ` (${listed})` : ''}`);
  }
}

/** A backend is unknown, failed to initialise, or none is available. */
export class BackendError extends UnmaskError {}

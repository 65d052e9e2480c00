import { UnmaskError } from '@unmask/tensor';

/** A generation option or the prompt is invalid; names the option and the value found. */
export class GenerationInputError extends UnmaskError {
  constructor(
    readonly option: string,
    readonly value: unknown,
    reason: string,
  ) {
    super(`${option} = ${describe(value)}: ${reason}`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null && 'length' in value) {
    const list = Array.from(value as ArrayLike<unknown>);
    return `[${list.slice(0, 8).join(', ')}${list.length > 8 ? `, ... (${list.length} ids)` : ''}]`;
  }
  return JSON.stringify(value) ?? String(value);
}

import { UnmaskError } from '@unmask/tensor';

/** A generation option, a prompt or a fed token is out of range; names the option and the value found. */
export class DlcmGenerationError extends UnmaskError {
  constructor(
    readonly option: string,
    readonly value: unknown,
    reason: string,
  ) {
    super(`${option} = ${describe(value)}: ${reason}`);
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) {
    const shown = value.slice(0, 8).join(', ');
    return `[${shown}${value.length > 8 ? `, ... (${value.length} ids)` : ''}]`;
  }
  return JSON.stringify(value) ?? String(value);
}

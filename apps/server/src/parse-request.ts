import type { z } from 'zod';
import { ApiError } from './api-error';

/** `messages[0].content`, `unmask.steps`: the field as a client would write it. */
function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let value = body;
  for (const key of path) value = (value as Record<PropertyKey, unknown> | undefined)?.[key];
  return value;
}

function toApiError(issue: z.core.$ZodIssue, body: unknown): ApiError {
  if (issue.code === 'unrecognized_keys') {
    const param = formatPath([...issue.path, issue.keys[0]!]);
    return ApiError.invalid(param, `'${param}' is not supported by this server`, 'unsupported_parameter');
  }
  if (issue.path.length === 0) return ApiError.invalid(null, `request body: ${issue.message}`);
  const param = formatPath(issue.path);
  if (valueAt(body, issue.path) === undefined) return ApiError.invalid(param, `'${param}' is required`);
  return ApiError.invalid(param, `'${param}': ${issue.message}`);
}

/** The body checked against the schema; the first problem becomes a 400 naming its field. */
export function parseRequest<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw toApiError(result.error.issues[0]!, body);
}

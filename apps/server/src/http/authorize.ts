import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../api-error';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Checks `Authorization: Bearer <key>` (in constant time) when the server has a key. */
export function authorize(req: IncomingMessage, apiKey: string | undefined): void {
  if (apiKey === undefined) return;
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (match && timingSafeEqual(digest(match[1]!.trim()), digest(apiKey))) return;
  throw new ApiError(
    401,
    match ? 'incorrect API key provided' : "missing API key: send 'Authorization: Bearer <key>'",
    'authentication_error',
    null,
    'invalid_api_key',
    { 'WWW-Authenticate': 'Bearer' },
  );
}

import type { IncomingMessage } from 'node:http';
import { ApiError } from '../api-error';

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(
    413,
    `the request body exceeds ${maxBytes} bytes`,
    'invalid_request_error',
    null,
    'request_too_large',
    // The rest of the body is not read: the connection cannot carry another request.
    { Connection: 'close' },
  );
}

/** The body parsed as JSON; 413 past `maxBytes` (declared or sent), 400 when it is not JSON. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw tooLarge(maxBytes);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw ApiError.invalid(
      null,
      `the request body was cut off: ${(error as Error).message}`,
      'incomplete_body',
    );
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '')
    throw ApiError.invalid(null, 'the request body is empty; send a JSON object', 'invalid_json');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw ApiError.invalid(
      null,
      `the request body is not valid JSON: ${(error as Error).message}`,
      'invalid_json',
    );
  }
}

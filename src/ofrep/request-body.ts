import type { IncomingMessage } from 'node:http';
import { AppError } from '../errors.js';

/** What the body of an evaluation request held: its context, or why there is none. */
export type EvaluationRequest =
  | { readonly ok: true; readonly context: unknown }
  | { readonly ok: false; readonly errorCode: 'PARSE_ERROR' | 'INVALID_CONTEXT'; readonly details: string };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * UNSUPPORTED_MEDIA_TYPE unless the body is declared JSON (`application/json`, `+json`) or not declared
 * at all: OFREP providers send JSON, and a `curl -d` without a header should still work.
 */
export function assertJsonContentType(req: IncomingMessage): void {
  const declared = req.headers['content-type'];
  // What providers send, as is: no parsing (this runs on every evaluation, 304s included).
  if (declared === undefined || declared === 'application/json') return;
  const type = (declared.split(';')[0] ?? '').trim().toLowerCase();
  if (type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'))) return;
  throw new AppError('UNSUPPORTED_MEDIA_TYPE', "Send the body as JSON with 'Content-Type: application/json'");
}

/**
 * The whole request body; PAYLOAD_TOO_LARGE past `limitBytes` (announced or read). With listeners, not
 * `for await`: an evaluation's body is one small chunk, and the async iterator's promises were a visible
 * share of a memoised bulk answer. A body over the limit is still drained (unread), so the connection
 * stays usable for the answer and the next request.
 *
 * The listeners are inline and stay on the request (it is this request's alone, and goes with it); once
 * settled they do nothing. Named closures, removed again, cost a visible share of a 304 under tsx, whose
 * `keepNames` defines a `name` on every named function each time it is created.
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const announced = Number(req.headers['content-length']);
  if (announced > limitBytes)
    return Promise.reject(new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large'));
  return new Promise<Buffer>((resolve, reject) => {
    let first: Buffer | undefined;
    let more: Buffer[] | undefined;
    let size = 0;
    let settled = false;
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limitBytes) {
        settled = true;
        // Drained from here on (the 'data' listener keeps the stream flowing), never kept.
        reject(new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large'));
      } else if (first === undefined) first = chunk;
      else if (more === undefined) more = [first, chunk];
      else more.push(chunk);
    });
    req.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(more ? Buffer.concat(more, size) : (first ?? Buffer.alloc(0)));
    });
    // The caller went away mid-body: its fault, not a server error (and nobody reads the answer).
    req.on('error', (err: Error) => {
      if (settled) return;
      settled = true;
      reject(new AppError('VALIDATION_FAILED', 'The request body was cut short', undefined, { cause: err }));
    });
    req.on('close', () => {
      if (settled) return;
      settled = true;
      reject(new AppError('VALIDATION_FAILED', 'The request body was cut short'));
    });
  });
}

/**
 * OFREP's request, `{"context": {...}}`: PARSE_ERROR when the body is not UTF-8 JSON, INVALID_CONTEXT
 * when it is not an object with a `context` (the context itself is checked by the evaluator). Other
 * top-level fields are ignored, as a later protocol version may add some.
 */
export function parseEvaluationRequest(body: Buffer): EvaluationRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(strictUtf8.decode(body));
  } catch {
    return { ok: false, errorCode: 'PARSE_ERROR', details: 'The request body is not valid UTF-8 JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !('context' in parsed))
    return { ok: false, errorCode: 'INVALID_CONTEXT', details: 'The body must be {"context": {...}}' };
  return { ok: true, context: (parsed as { context: unknown }).context };
}

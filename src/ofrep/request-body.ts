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
  if (declared === undefined) return;
  const type = (declared.split(';')[0] ?? '').trim().toLowerCase();
  if (type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'))) return;
  throw new AppError('UNSUPPORTED_MEDIA_TYPE', "Send the body as JSON with 'Content-Type: application/json'");
}

/**
 * The whole request body; PAYLOAD_TOO_LARGE past `limitBytes` (announced or read). With listeners, not
 * `for await`: an evaluation's body is one small chunk, and the async iterator's promises were a visible
 * share of a memoised bulk answer. A body over the limit is still drained (unread), so the connection
 * stays usable for the answer and the next request.
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const announced = Number(req.headers['content-length']);
  if (announced > limitBytes)
    return Promise.reject(new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large'));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onCut);
      req.off('close', onCut);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) {
        chunks.push(chunk);
        return;
      }
      done();
      req.resume();
      reject(new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large'));
    };
    const onEnd = () => {
      done();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    // The caller went away mid-body: its fault, not a server error (and nobody reads the answer).
    const onCut = (err?: Error) => {
      done();
      reject(new AppError('VALIDATION_FAILED', 'The request body was cut short', undefined, { cause: err }));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onCut);
    req.on('close', onCut);
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

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

/** The whole request body; PAYLOAD_TOO_LARGE past `limitBytes` (announced or read). */
export async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const announced = Number(req.headers['content-length']);
  if (announced > limitBytes) throw new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large');
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limitBytes) throw new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large');
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    // The caller went away mid-body: its fault, not a server error (and nobody reads the answer).
    throw new AppError('VALIDATION_FAILED', 'The request body was cut short', undefined, { cause: err });
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
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

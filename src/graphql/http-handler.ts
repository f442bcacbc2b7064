import type { IncomingMessage } from 'node:http';
import { parse as urlParse } from 'node:url';
import { type ApolloServer, HeaderMap, type HTTPGraphQLRequest } from '@apollo/server';
import type { Request, RequestHandler, Response } from 'express';
import type { Principal } from '../auth/access-control.js';
import { principalOf } from '../http/access.js';
import type { GraphQLContext } from './context.js';
import type { MemoVerdict } from './memoisable.js';
import { requestKey } from './request-key.js';
import type { GraphQLResponseMemo, MemoisedResponse } from './response-memo.js';

/** Each POST body exactly as received (after any Content-Encoding), kept by {@link keepRawBody}. */
const rawBodies = new WeakMap<IncomingMessage, Buffer>();

/** Wraps an `express.json` verify hook so the raw body is kept for the memo key. */
export function keepRawBody(
  verify: (req: IncomingMessage, res: unknown, buf: Buffer, encoding: string) => void,
): (req: IncomingMessage, res: unknown, buf: Buffer, encoding: string) => void {
  return (req, res, buf, encoding) => {
    verify(req, res, buf, encoding);
    rawBodies.set(req, buf);
  };
}

/** Apollo's request, built exactly as @as-integrations/express5 builds it. */
function httpGraphQLRequestOf(req: Request): HTTPGraphQLRequest {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return {
    method: req.method.toUpperCase(),
    headers,
    search: urlParse(req.url).search ?? '',
    body: req.body,
  };
}

function memoised(headers: HeaderMap, body: string): MemoisedResponse {
  const bytes = Buffer.from(body, 'utf8');
  return {
    body: bytes,
    headers: { ...Object.fromEntries(headers), 'content-length': String(bytes.length) },
  };
}

function send(res: Response, response: MemoisedResponse): void {
  res.writeHead(200, response.headers);
  res.end(response.body);
}

/**
 * GraphQL over HTTP (in place of @as-integrations/express5's `expressMiddleware`, which it follows),
 * with a memo in front of Apollo: a query of the flag state answered once (200, no errors) is answered
 * again from the memo, byte for byte, until the flag state changes. Everything in front of this handler
 * (authentication, body parsing, length limits, request logging and metrics) still runs for every
 * request; what Apollo checks (CSRF prevention, validation and our limits) a memoised answer has
 * passed with an identical request (same key) in the same flag state.
 */
export function graphqlOverHttp(
  apollo: ApolloServer<GraphQLContext>,
  options: { contextFor: (principal: Principal) => GraphQLContext; memo: GraphQLResponseMemo },
): RequestHandler {
  const { contextFor, memo } = options;
  apollo.assertStarted('graphqlOverHttp()');
  return async (req, res) => {
    const principal = principalOf(res);
    const request = httpGraphQLRequestOf(req);
    const key = requestKey(
      principal,
      request.method,
      (name) => request.headers.get(name),
      request.search,
      rawBodies.get(req),
    );
    if (key !== undefined) {
      const hit = memo.get(key);
      if (hit) {
        send(res, hit);
        return;
      }
    }
    // Read before Apollo runs: an answer is only kept if no change was applied while it was computed.
    const generation = memo.generation;
    const verdict: MemoVerdict = { memoisable: false };
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: request,
      context: async () => ({ ...contextFor(principal), memoVerdict: verdict }),
    });
    const status = response.status || 200;
    if (key !== undefined && verdict.memoisable && status === 200 && response.body.kind === 'complete') {
      const answer = memoised(response.headers, response.body.string);
      memo.set(key, generation, answer);
      send(res, answer);
      return;
    }
    // Anything else exactly as expressMiddleware answers it.
    for (const [name, value] of response.headers) res.setHeader(name, value);
    res.statusCode = status;
    if (response.body.kind === 'complete') {
      res.send(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}

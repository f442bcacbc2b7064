import type { Principal } from '../auth/access-control.js';

/**
 * The request headers Apollo reads (runHttpQuery, preventCsrf, content negotiation; none of our
 * plugins reads any): Content-Type (POST parsing, CSRF, GET's 415), Accept (the response's content type,
 * 406, the landing page) and the two headers that let a request past CSRF prevention.
 */
const HEADERS_APOLLO_READS = [
  'content-type',
  'accept',
  'apollo-require-preflight',
  'x-apollo-operation-name',
];

/** Stands for a header that was not sent (a header value cannot contain NUL). */
const ABSENT = '\u0000';

/**
 * The memo key of a GraphQL request over HTTP: every input Apollo's answer depends on, so two requests
 * with the same key get the same answer from Apollo while the flag state stays the same; plus the
 * principal: its token digest (answers are never shared between tokens) and the environment it is
 * bound to, which picks the read scope (read-scope.ts), so two environments never share an answer
 * even were two tokens to share a digest prefix. The `environment` argument is in the document or
 * variables, so in the key. Undefined when the request is not memoised: not GET or POST, or a POST without a
 * body parsed as JSON.
 *
 * @param header a request header as Apollo sees it (repeated ones joined with ", "), or undefined
 * @param search the query string with its `?`: Apollo reads it for GET only, but what runs before
 *   Apollo may read it for POST too (the document length limit does)
 * @param rawBody the POST body as received (after any Content-Encoding); Apollo reads the JSON parsed
 *   from these bytes with the charset named by the Content-Type, which is part of the key
 */
export function requestKey(
  principal: Principal,
  method: string,
  header: (name: string) => string | undefined,
  search: string,
  rawBody: Buffer | undefined,
): string | undefined {
  if (method !== 'GET' && (method !== 'POST' || rawBody === undefined)) return undefined;
  const head = [principal.scope, principal.id, principal.environment ?? ABSENT, method, search];
  for (const name of HEADERS_APOLLO_READS) head.push(header(name) ?? ABSENT);
  // A JSON array of strings is self-delimiting: the body that follows cannot blur into it.
  const prefix = JSON.stringify(head);
  return rawBody === undefined ? prefix : prefix + rawBody.toString('latin1');
}

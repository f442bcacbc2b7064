import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
import { errorFromGraphQL, FlagwireError, isRecord } from './errors.js';
import type { FetchLike } from './options.js';

/** What every HTTP call of the client needs. */
export interface HttpContext {
  readonly baseUrl: string;
  readonly fetch: FetchLike;
  readonly token: string | undefined;
  readonly requestTimeoutMs: number;
}

/** `base` + `path` (the base's own path kept) + the query parameters that are not empty. */
export function endpoint(base: string, path: string, query: Record<string, string | undefined> = {}): string {
  const url = new URL(base + path);
  for (const [name, value] of Object.entries(query)) if (value) url.searchParams.set(name, value);
  return url.href;
}

export function authorization(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Aborts the request (e.g. when the client stops); the rejection is then the abort's. */
  signal?: AbortSignal;
  /** Deadline for the whole exchange, body included. Default: the context's; `false`: none. */
  timeoutMs?: number | false;
}

/**
 * `fetch` with the token, a deadline, and failures as FlagwireError: `TIMEOUT` past the deadline,
 * `NETWORK_ERROR` when no answer came. An abort through `options.signal` rejects with its reason.
 */
export async function request(
  http: HttpContext,
  url: string,
  options: RequestOptions = {},
): Promise<Response> {
  const timeoutMs = options.timeoutMs ?? http.requestTimeoutMs;
  const signals: AbortSignal[] = [];
  if (timeoutMs !== false) signals.push(AbortSignal.timeout(timeoutMs));
  if (options.signal) signals.push(options.signal);
  const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  try {
    return await http.fetch(url, {
      method: options.method ?? 'GET',
      headers: { ...authorization(http.token), ...options.headers },
      ...(options.body !== undefined && { body: options.body }),
      ...(signal && { signal }),
    });
  } catch (err) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw requestFailure(err, url);
  }
}

/** What a failed fetch, or a failed read of its body, means for the caller. */
export function requestFailure(err: unknown, url: string): FlagwireError {
  if (err instanceof FlagwireError) return err;
  const name = typeof err === 'object' && err !== null && 'name' in err ? err.name : undefined;
  if (name === 'TimeoutError')
    return new FlagwireError('TIMEOUT', `${url}: no answer in time`, { cause: err });
  const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
  return new FlagwireError('NETWORK_ERROR', `${url}: ${String(err)}${cause}`, { cause: err });
}

/** A typed GraphQL document, as generated under client/src/generated (its string is the query). */
export type TypedDocument<TResult, TVariables> = DocumentTypeDecoration<TResult, TVariables> & {
  toString(): string;
};

/**
 * Runs a typed operation with `POST /graphql`. Resolves with `data`; rejects with a FlagwireError
 * carrying the first error's `extensions.code`, or a client code when no GraphQL answer came.
 */
export async function graphqlRequest<TResult, TVariables>(
  http: HttpContext,
  document: TypedDocument<TResult, TVariables>,
  variables: TVariables,
  signal?: AbortSignal,
): Promise<TResult> {
  const response = await request(http, endpoint(http.baseUrl, '/graphql'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: document.toString(), variables }),
    ...(signal && { signal }),
  });
  let body: unknown;
  try {
    body = await response.json();
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    if (err instanceof SyntaxError) {
      throw new FlagwireError(
        'BAD_RESPONSE',
        `POST /graphql answered ${response.status} without a JSON body`,
        {
          status: response.status,
          cause: err,
        },
      );
    }
    throw requestFailure(err, response.url);
  }
  if (isRecord(body) && Array.isArray(body.errors) && body.errors.length > 0) {
    throw errorFromGraphQL(body.errors, response.status);
  }
  if (!response.ok || !isRecord(body) || !isRecord(body.data)) {
    throw new FlagwireError('BAD_RESPONSE', `POST /graphql answered ${response.status} without data`, {
      status: response.status,
    });
  }
  return body.data as TResult;
}

/**
 * The environment a list or stream answer was served in (the `Flagwire-Environment` header: the
 * token's), or undefined when it served every environment (an admin token, an open service) or came
 * from a server that does not say.
 */
export function servedEnvironmentOf(response: Response): string | undefined {
  return response.headers.get('flagwire-environment') ?? undefined;
}

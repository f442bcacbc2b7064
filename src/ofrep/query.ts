import { AppError } from '../errors.js';

/** What an evaluation request's query string may say. */
export interface OfrepQuery {
  /** `?environment=`: where to evaluate (read-scope.ts decides whether it may). */
  readonly environment?: string;
  /**
   * The revision named by `?flagConfigEtag=` (the `etag` of the `refetchEvaluation` event that caused
   * this re-fetch, see event-stream.ts); undefined when absent or not one of ours.
   */
  readonly configRevision?: number;
  /** `?asOf=`: a revision or an ISO time, parsed by history/as-of.ts. */
  readonly asOf?: string;
}

/** The parameters each endpoint takes; any other is refused, as on every route. */
const SINGLE = ['environment', 'asOf'] as const;
/** Bulk also takes OFREP's event metadata (ADR 0008): `flagConfigEtag`, `flagConfigLastModified`. */
const BULK = ['environment', 'asOf', 'flagConfigEtag', 'flagConfigLastModified'] as const;

/**
 * The query of an evaluation request: each parameter at most once; VALIDATION_FAILED for a repeated or
 * unknown one. `flagConfigLastModified` is accepted and not used: the revision in `flagConfigEtag` says
 * more.
 */
export function ofrepQuery(query: string, bulk: boolean): OfrepQuery {
  if (query === '') return {};
  const allowed: readonly string[] = bulk ? BULK : SINGLE;
  const seen = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(query)) {
    if (!allowed.includes(name))
      throw new AppError(
        'VALIDATION_FAILED',
        `Unknown query parameter '${name.slice(0, 64)}': this endpoint takes only ${allowed.map((n) => `'${n}'`).join(', ')}`,
        { field: name.slice(0, 64) },
      );
    if (seen.has(name))
      throw new AppError('VALIDATION_FAILED', `Query parameter '${name}' must be given at most once`, {
        field: name,
      });
    seen.set(name, value);
  }
  const environment = seen.get('environment');
  const asOf = seen.get('asOf');
  const configRevision = revisionOfEtag(seen.get('flagConfigEtag'));
  return {
    ...(environment !== undefined && { environment }),
    ...(asOf !== undefined && { asOf }),
    ...(configRevision !== undefined && { configRevision }),
  };
}

/**
 * The revision in an event's `etag` (`"<revision>"`, event-stream.ts), quotes and a `W/` prefix
 * allowed; undefined for anything else: it is metadata, not a precondition, so a foreign value is
 * ignored rather than refused.
 */
export function revisionOfEtag(etag: string | undefined): number | undefined {
  if (etag === undefined) return undefined;
  const bare = /^(?:W\/)?"?([0-9]{1,15})"?$/.exec(etag.trim())?.[1];
  return bare === undefined ? undefined : Number(bare);
}

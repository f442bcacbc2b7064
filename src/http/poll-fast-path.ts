import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessControl } from '../auth/access-control.js';
import { environmentExists } from '../flags/definition-validation.js';
import { ALL_ENVIRONMENTS, type ReadScope } from '../flags/flag-view.js';
import type { RecordCatalog } from '../flags/record-catalog.js';
import { isValidPrefix } from '../flags/validation.js';
import type { Metrics } from '../metrics/metrics.js';
import { ifNoneMatchMatches } from './etag.js';
import type { FlagListMemo, MemoisedBody } from './flag-list-memo.js';

const LIST_PATH = '/feature-flags';

/** 304 when `If-None-Match` matches, else 200 with the memoised body; headers prebuilt in the memo. */
export function writeConditional(
  ifNoneMatch: string | undefined,
  res: ServerResponse,
  memoised: MemoisedBody,
): '200' | '304' {
  if (ifNoneMatchMatches(ifNoneMatch, memoised.etag)) {
    res.writeHead(304, memoised.headers304);
    res.end();
    return '304';
  }
  res.writeHead(200, memoised.headers200);
  res.end(memoised.body);
  return '200';
}

/**
 * Answers the poll — `GET /feature-flags` or `GET /feature-flags?prefix=<plain prefix>` — straight from
 * the memo, before Express builds its request and runs its router: this is the request every client
 * makes every few seconds. Returns false for anything else (encoded or invalid prefixes, any other or
 * extra parameter, `?environment=` included), which the Express list route then serves or refuses: an
 * unknown parameter is a 400 there (query-params.ts), never the unfiltered list from here. The scope
 * comes from the token as on the Express route (read-scope.ts): a client token reads its environment.
 */
export function pollFastPath(
  memo: FlagListMemo,
  catalog: RecordCatalog,
  access: AccessControl,
  metrics: Metrics,
  options: { skipCrossOrigin: boolean } = { skipCrossOrigin: false },
): (req: IncomingMessage, res: ServerResponse) => boolean {
  /**
   * The scope the caller reads without `?environment=`: its token's environment, or every environment
   * (admins, open access); undefined when Express must answer (a 401, or a token bound to an
   * environment that does not exist: a 404 in the usual error shape). Allocation-free for an admin or
   * a production token: the principal is remembered per header, production always exists.
   */
  const scopeOf = (req: IncomingMessage): ReadScope | undefined => {
    if (access.open) return ALL_ENVIRONMENTS;
    let bound: string | undefined;
    try {
      bound = access.authenticate(req.headers.authorization).environment;
    } catch {
      return undefined; // Express answers it, with the 401 in the usual error shape.
    }
    if (bound === undefined) return ALL_ENVIRONMENTS;
    return environmentExists(catalog, bound) ? bound : undefined;
  };
  return (req, res) => {
    if (req.method !== 'GET') return false;
    const url = req.url;
    if (url === undefined || !url.startsWith(LIST_PATH)) return false;
    let prefix: string;
    if (url.length === LIST_PATH.length) prefix = '';
    else if (url.startsWith('?prefix=', LIST_PATH.length)) {
      prefix = url.slice(LIST_PATH.length + '?prefix='.length);
      // A valid prefix needs no percent-decoding (its characters are all unreserved), so a raw value
      // that is one is the prefix; anything else goes to Express to be decoded or refused. Its alphabet
      // has no '&', '=' or '%': no second parameter can ride along on an accepted URL.
      if (!isValidPrefix(prefix)) return false;
    } else return false;
    if (options.skipCrossOrigin && req.headers.origin !== undefined) return false;
    const scope = scopeOf(req);
    if (scope === undefined) return false;
    const started = performance.now();
    const status = writeConditional(req.headers['if-none-match'], res, memo.get(prefix, scope));
    metrics.pollResponses.inc({ status });
    metrics.httpDuration.observe(
      { method: 'GET', route: 'poll', status },
      (performance.now() - started) / 1000,
    );
    return true;
  };
}

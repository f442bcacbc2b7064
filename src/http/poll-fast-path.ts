import type { IncomingMessage, ServerResponse } from 'node:http';
import { KEY_PATTERN, MAX_KEY_LENGTH } from '@flagwire/core';
import type { AccessControl } from '../auth/access-control.js';
import { environmentExists } from '../flags/definition-validation.js';
import { ALL_ENVIRONMENTS, type ReadScope } from '../flags/flag-view.js';
import type { RecordCatalog } from '../flags/record-catalog.js';
import { isValidPrefix } from '../flags/validation.js';
import type { Metrics } from '../metrics/metrics.js';
import { ifNoneMatchMatches } from './etag.js';
import type { FlagListMemo, MemoisedBody } from './flag-list-memo.js';

const LIST_PATH = '/feature-flags';
const PREFIX_PARAM = 'prefix=';
const ENVIRONMENT_PARAM = 'environment=';

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
 * Answers the poll — `GET /feature-flags`, with `?prefix=<plain prefix>` and/or `?environment=<key>` —
 * straight from the memo, before Express builds its request and runs its router: this is the request
 * every client makes every few seconds. Returns false for anything else (encoded or invalid values,
 * any other or repeated parameter, a refused or unknown environment), which the Express list route then
 * serves or refuses: an unknown parameter is a 400 there (query-params.ts), never the unfiltered list
 * from here. The scope is picked as on the Express route (read-scope.ts).
 */
export function pollFastPath(
  memo: FlagListMemo,
  catalog: RecordCatalog,
  access: AccessControl,
  metrics: Metrics,
  options: { skipCrossOrigin: boolean } = { skipCrossOrigin: false },
): (req: IncomingMessage, res: ServerResponse) => boolean {
  /**
   * The scope the caller reads (read-scope.ts): its token's environment, else `requested`, else every
   * environment; undefined when Express must answer: a 401, a 403 (a bound token asking for another
   * environment) or a 404 (an environment that does not exist), each in the usual error shape.
   * Allocation-free for an admin or a production token: the principal is remembered per header, and
   * production always exists.
   */
  const scopeOf = (req: IncomingMessage, requested: string | undefined): ReadScope | undefined => {
    let bound: string | undefined;
    if (!access.open) {
      try {
        bound = access.authenticate(req.headers.authorization).environment;
      } catch {
        return undefined;
      }
    }
    if (requested !== undefined && bound !== undefined && requested !== bound) return undefined;
    const environment = bound ?? requested;
    if (environment === undefined) return ALL_ENVIRONMENTS;
    return environmentExists(catalog, environment) ? environment : undefined;
  };
  return (req, res) => {
    if (req.method !== 'GET') return false;
    const url = req.url;
    if (url === undefined || !url.startsWith(LIST_PATH)) return false;
    let prefix = '';
    let environment: string | undefined;
    if (url.length > LIST_PATH.length) {
      if (url.charCodeAt(LIST_PATH.length) !== 0x3f /* ? */) return false;
      // `prefix=` and `environment=`, each at most once, in either order. A valid value needs no
      // percent-decoding (its characters are all unreserved, or ':'), so a raw value that is one is
      // the value; anything else goes to Express to be decoded or refused. Neither alphabet has '&',
      // '=' or '%': no other parameter can ride along on an accepted URL.
      let prefixSeen = false;
      let start = LIST_PATH.length + 1;
      for (;;) {
        const amp = url.indexOf('&', start);
        const end = amp === -1 ? url.length : amp;
        if (!prefixSeen && url.startsWith(PREFIX_PARAM, start)) {
          prefix = url.slice(start + PREFIX_PARAM.length, end);
          if (!isValidPrefix(prefix)) return false;
          prefixSeen = true;
        } else if (environment === undefined && url.startsWith(ENVIRONMENT_PARAM, start)) {
          environment = url.slice(start + ENVIRONMENT_PARAM.length, end);
          if (environment.length > MAX_KEY_LENGTH || !KEY_PATTERN.test(environment)) return false;
        } else return false;
        if (amp === -1) break;
        start = amp + 1;
      }
    }
    if (options.skipCrossOrigin && req.headers.origin !== undefined) return false;
    const scope = scopeOf(req, environment);
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

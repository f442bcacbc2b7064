import express, { type Request, type RequestHandler, type Response, Router } from 'express';
import { z } from 'zod';
import { FlagNotFoundError, VersionMismatchError } from '../flags/errors.js';
import type { FlagRecord } from '../flags/flag.js';
import type { FlagService, ReplaceGuard } from '../flags/flag-service.js';
import type { FlagSnapshot } from '../flags/flag-snapshot.js';
import { ALL_ENVIRONMENTS, flagView, type ReadScope } from '../flags/flag-view.js';
import { readScopeOf, writeEnvironmentOf } from '../flags/read-scope.js';
import { assertValidKey, normalizePrefix } from '../flags/validation.js';
import { principalOf } from './access.js';
import type { AsOfReads } from './as-of-reads.js';
import { attributionOfRequest } from './comment-header.js';
import { type FlagListMemo, type MemoisedBody, memoise } from './flag-list-memo.js';
import { writeConditional } from './poll-fast-path.js';
import { acceptQuery, NO_QUERY_PARAMS, parseQuery } from './query-params.js';
import { parseBody, rejectInvalidUtf8, requireJsonBody } from './request-parsing.js';
import { writeGuardOf } from './write-guard.js';

export interface FlagRoutesDeps {
  flags: FlagService;
  snapshot: FlagSnapshot;
  memo: FlagListMemo;
  /** `?asOf=` reads: the state as it was (time travel). */
  asOf: AsOfReads;
  bodyLimitBytes: number;
  /** Told the status of every list answer (metrics; the fast path counts its own). */
  onPoll?: (status: '200' | '304') => void;
}

/**
 * The list's query: `?prefix=&environment=&asOf=` (the fast path answers the plainest forms first and
 * leaves every `asOf` here).
 */
const ListQuery = z.strictObject({
  prefix: z.string().optional(),
  environment: z.string().optional(),
  asOf: z.string().optional(),
});
/** One flag's query: the environment read, and the moment (`asOf`). */
const ReadQuery = z.strictObject({ environment: z.string().optional(), asOf: z.string().optional() });
/** A seed write's query: the environment written. */
const EnvironmentQuery = z.strictObject({ environment: z.string().optional() });

const CreateBody = z.strictObject({
  key: z.string(),
  isEnabled: z.boolean().optional(),
  description: z.string().optional(),
});

const PatchBody = z
  .strictObject({ isEnabled: z.boolean().optional(), description: z.string().optional() })
  .refine((patch) => patch.isEnabled !== undefined || patch.description !== undefined, {
    message: "Give at least one of 'isEnabled' or 'description'",
  });

/** The REST resource `/feature-flags`: thin, every decision is the service's or the snapshot's. */
export function flagRoutes(deps: FlagRoutesDeps): Router {
  const { flags, snapshot, memo } = deps;
  const router = Router();
  const json = express.json({ limit: deps.bodyLimitBytes, verify: rejectInvalidUtf8 });
  const jsonBody: RequestHandler[] = [
    (req, _res, next) => {
      requireJsonBody(req);
      next();
    },
    json,
  ];

  const noQuery = acceptQuery(NO_QUERY_PARAMS);

  // Most polls are answered by pollFastPath before they get here; this serves the rest (encoded
  // prefixes) and refuses bad ones (unknown, repeated or malformed parameters, invalid prefixes).
  // With `asOf`, the list as it was (the same views, scopes and ETags, from the state then).
  router.get('/', async (req, res) => {
    const query = parseQuery(ListQuery, req);
    const prefix = normalizePrefix(query.prefix);
    if (query.asOf !== undefined) {
      const state = await deps.asOf.stateFor(query.asOf, res);
      const scope = readScopeOf(state.records, principalOf(res).environment, query.environment);
      sendConditional(req, res, deps.asOf.flagList(state).get(prefix, scope));
      return;
    }
    const scope = readScopeOf(snapshot, principalOf(res).environment, query.environment);
    deps.onPoll?.(sendConditional(req, res, memo.get(prefix, scope)));
  });

  // The seed's create-or-update, in `?environment=` (default production). The answer shows the flag
  // as that environment sees it when one is named, else whole.
  router.post('/', acceptQuery(EnvironmentQuery), ...jsonBody, async (req, res) => {
    const environment = writeEnvironmentOf(parseQuery(EnvironmentQuery, req).environment);
    const input = parseBody(CreateBody, req.body);
    const { flag, created } = await flags.upsert(attributionOfRequest(req, res), input, environment);
    if (created) res.location(`/feature-flags/${encodeURIComponent(flag.key)}`);
    sendFlag(res.status(created ? 201 : 200), flag, environment);
  });

  router.get('/:key', async (req, res) => {
    const query = parseQuery(ReadQuery, req);
    const key = keyParam(req);
    const { records } = await deps.asOf.stateFor(query.asOf, res);
    const scope = readScopeOf(records, principalOf(res).environment, query.environment);
    const flag = records.get(key);
    if (flag?.kind !== 'flag') throw new FlagNotFoundError(key);
    sendConditional(req, res, representationOf(flag, scope));
  });

  // A whole definition: creates the flag when absent (unless `If-Match` says it must exist), replaces
  // it otherwise. The service validates the document and names the refused path.
  router.put('/:key', noQuery, ...jsonBody, async (req, res) => {
    const key = rawKeyParam(req);
    const by = attributionOfRequest(req, res);
    const { flag, created } = await flags.replace(by, key, req.body, await flagGuardOf(req, flags, key));
    if (created) res.location(`/feature-flags/${encodeURIComponent(flag.key)}`);
    sendFlag(res.status(created ? 201 : 200), flag);
  });

  // The seed's patch, in `?environment=` (default production); an ETag in `If-Match` is compared with
  // the flag as that environment sees it (what `GET /feature-flags/:key?environment=` served).
  router.patch('/:key', acceptQuery(EnvironmentQuery), ...jsonBody, async (req, res) => {
    const key = rawKeyParam(req);
    const environment = writeEnvironmentOf(parseQuery(EnvironmentQuery, req).environment);
    const patch = parseBody(PatchBody, req.body);
    const by = attributionOfRequest(req, res);
    const { expectedVersion } = await flagGuardOf(req, flags, key, environment);
    sendFlag(res, await flags.update(by, key, patch, expectedVersion, environment), environment);
  });

  router.delete('/:key', noQuery, async (req, res) => {
    const key = rawKeyParam(req);
    const by = attributionOfRequest(req, res);
    await flags.remove(by, key, (await flagGuardOf(req, flags, key)).expectedVersion);
    res.status(204).end();
  });

  return router;
}

/**
 * The key of a write, unchecked: the service validates every write's input, whichever transport it
 * came by, so there is one place where a bad key is refused (and one place that could let one through).
 */
function rawKeyParam(req: Request): string {
  return String(req.params.key);
}

function keyParam(req: Request): string {
  const key = req.params.key;
  assertValidKey(key);
  return key;
}

function sendConditional(req: Request, res: Response, memoised: MemoisedBody): '200' | '304' {
  return writeConditional(req.headers['if-none-match'], res, memoised);
}

/** One flag as served: its JSON body, strong ETag and headers (the same for GET, writes and If-Match). */
function representationOf(flag: FlagRecord, scope: ReadScope): MemoisedBody {
  return memoise(Buffer.from(JSON.stringify(flagView(flag, scope))));
}

/** A written flag as the environment written sees it, or whole when none was named. */
function sendFlag(res: Response, flag: FlagRecord, environment?: string): void {
  const { body, headers200 } = representationOf(flag, environment ?? ALL_ENVIRONMENTS);
  res.writeHead(res.statusCode, headers200);
  res.end(body);
}

/** `If-Match` on a flag write (write-guard.ts), ETags compared as the writer's environment sees the flag. */
function flagGuardOf(
  req: Request,
  flags: FlagService,
  key: string,
  environment?: string,
): Promise<ReplaceGuard> {
  return writeGuardOf(req.headers['if-match'], {
    current: () => flags.current(key),
    etagOf: (flag) => representationOf(flag, environment ?? ALL_ENVIRONMENTS).etag,
    notFound: () => new FlagNotFoundError(key),
    stale: (tag, currentVersion) => new VersionMismatchError(key, tag, currentVersion),
  });
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AccessControl, Principal } from '../auth/access-control.js';
import type { TokenRateLimiter } from '../auth/token-rate-limiter.js';
import { AppError } from '../errors.js';
import { contextProblem } from '../evaluation/context.js';
import { evaluationEnvironment } from '../evaluation/environment.js';
import type { FlagEvaluator } from '../evaluation/flag-evaluator.js';
import { assertMayEvaluate } from '../evaluation/permission.js';
import { scopeHeaders } from '../flags/flag-view.js';
import type { RecordCatalog } from '../flags/record-catalog.js';
import { AS_OF_REVISION_HEADER, parseAsOf } from '../history/as-of.js';
import type { TimeTravel } from '../history/time-travel.js';
import type { CorsPolicy } from '../http/cors.js';
import { ifNoneMatchMatches } from '../http/etag.js';
import type { Metrics } from '../metrics/metrics.js';
import type { BulkContextMemo, KnownContext } from './bulk-context-memo.js';
import type { BulkEvaluation } from './bulk-evaluation.js';
import { canonicalJson } from './canonical-json.js';
import type { EvaluationState } from './evaluation-state.js';
import { ofrepQuery } from './query.js';
import {
  assertJsonContentType,
  type EvaluationRequest,
  parseEvaluationRequest,
  readBody,
} from './request-body.js';
import {
  evaluationAnswer,
  failureAnswer,
  invalidContextAnswer,
  type OfrepAnswer,
  parseErrorAnswer,
} from './responses.js';

/** Bulk evaluation: `POST /ofrep/v1/evaluate/flags`; one flag: `POST /ofrep/v1/evaluate/flags/{key}`. */
const EVALUATE_PATH = '/ofrep/v1/evaluate/flags';

/**
 * How long a re-fetch caused by a change event waits for this instance to hold that change
 * (`flagConfigEtag`, see EvaluationState.whenReleased) before answering with what it has.
 */
const CONFIG_WAIT_MS = 1000;

export interface OfrepDeps {
  evaluator: FlagEvaluator;
  bulk: BulkEvaluation;
  /** Bulk request bodies already read, by their bytes (bulk-context-memo.ts). */
  contexts: BulkContextMemo;
  state: EvaluationState;
  /** Where environments are looked up (the snapshot). */
  catalog: RecordCatalog;
  /** `?asOf=`: the state as it was then (history/time-travel.ts). */
  history: TimeTravel;
  access: AccessControl;
  /** Frontend tokens' evaluation budget (FRONTEND_RATE_PER_MINUTE, FRONTEND_RATE_BURST). */
  frontendLimiter: TokenRateLimiter;
  /** The OFREP routes' CORS policy (cors.ts), if browsers on some origin may call them. */
  cors: CorsPolicy | undefined;
  bodyLimitBytes: number;
  logger: Logger;
  metrics?: Metrics;
}

/**
 * The OpenFeature Remote Evaluation Protocol (open-feature/protocol, service/openapi.yaml) over plain
 * node:http, before Express: a server-side provider asks once per flag read, a browser once per page
 * and context. Cross-origin requests too (the CORS policy runs here, and answers preflights). Thin:
 * the environment, the permission and the evaluation are the evaluation module's; this reads requests
 * and writes OFREP's bodies (responses.ts). Returns false for any other path.
 */
export function ofrepTransport(deps: OfrepDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const url = req.url ?? '';
    if (!url.startsWith(EVALUATE_PATH)) return false;
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const bulk = path.length === EVALUATE_PATH.length;
    // `/ofrep/v1/evaluate/flags/` (no key) and `/ofrep/v1/evaluate/flagsX` are no endpoint: Express's 404.
    if (
      !bulk &&
      (path.charCodeAt(EVALUATE_PATH.length) !== 0x2f /* / */ || path.length === EVALUATE_PATH.length + 1)
    )
      return false;
    if (deps.cors && req.headers.origin !== undefined && !passesCors(deps.cors, req, res)) return true;
    const query = queryAt === -1 ? '' : url.slice(queryAt + 1);
    const started = performance.now();
    const answered = bulk
      ? answerBulk(deps, req, res, query)
      : answerSingleFlag(deps, req, path.slice(EVALUATE_PATH.length + 1), query).then((answer) =>
          send(res, answer),
        );
    void answered.then((status) =>
      deps.metrics?.httpDuration.observe(
        { method: req.method ?? '', route: bulk ? 'ofrep-bulk' : 'ofrep-flag', status: String(status) },
        (performance.now() - started) / 1000,
      ),
    );
    return true;
  };
}

/** Runs the CORS policy; false when it answered the request itself (a preflight). */
function passesCors(policy: CorsPolicy, req: IncomingMessage, res: ServerResponse): boolean {
  let passed = false;
  policy(req, res, () => {
    passed = true;
  });
  return passed;
}

/** Who calls: authenticated, allowed to evaluate, within its rate; and its token, for stream tickets. */
function callerOf(
  deps: OfrepDeps,
  req: IncomingMessage,
): { principal: Principal; token: string | undefined } {
  const authorization = authorizationOf(req);
  const principal = deps.access.authenticateEvaluation(authorization);
  assertMayEvaluate(principal);
  if (principal.scope === 'frontend') deps.frontendLimiter.take(principal);
  const token = deps.access.open ? undefined : /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  return { principal, token };
}

/** One single-flag request answered: never rejects (every failure is an answer). */
async function answerSingleFlag(
  deps: OfrepDeps,
  req: IncomingMessage,
  rawKey: string,
  query: string,
): Promise<OfrepAnswer> {
  let key = rawKey;
  try {
    key = decodeKey(rawKey);
    const { principal } = callerOf(deps, req);
    assertPost(req);
    const params = ofrepQuery(query, false);
    const asOf = params.asOf === undefined ? undefined : parseAsOf(params.asOf);
    if (asOf === undefined) {
      const environment = evaluationEnvironment(principal, params.environment, deps.catalog);
      const request = await readEvaluationRequest(deps, req);
      if (!request.ok) return refusedRequest(key, request);
      return evaluationAnswer(deps.evaluator.evaluate(key, environment, request.context));
    }
    const request = await readEvaluationRequest(deps, req);
    if (!request.ok) return refusedRequest(key, request);
    // The state then: its environments, flags and segments, through the same evaluator.
    const state = await deps.history.stateAt(asOf);
    const environment = evaluationEnvironment(principal, params.environment, state.records);
    return asOfAnswer(
      evaluationAnswer(state.evaluator.evaluate(key, environment, request.context)),
      state.revision,
    );
  } catch (err) {
    return failed(deps, key, err);
  }
}

/**
 * One bulk request answered (bulk-evaluation.ts): 304 when `If-None-Match` holds the current ETag,
 * decided before anything is evaluated; else 200 with every flag. Never rejects; resolves to the status.
 */
async function answerBulk(
  deps: OfrepDeps,
  req: IncomingMessage,
  res: ServerResponse,
  query: string,
): Promise<number> {
  try {
    const { principal, token } = callerOf(deps, req);
    assertPost(req);
    const { environment: requested, configRevision, asOf } = ofrepQuery(query, true);
    if (asOf !== undefined)
      return await answerBulkAsOf(deps, req, res, { principal, token, requested, configRevision, asOf });
    const environment = evaluationEnvironment(principal, requested, deps.catalog);
    assertJsonContentType(req);
    const body = await readBody(req, deps.bodyLimitBytes);
    let known = deps.contexts.get(body);
    if (known === undefined) {
      const read = readBulkContext(deps.contexts, body);
      if (!read.ok) return send(res, read.answer);
      known = read.known;
    }
    if (configRevision !== undefined) await deps.state.whenReleased(configRevision, CONFIG_WAIT_MS);
    if (res.headersSent) return res.statusCode;
    const { context, canonicalContext } = known;
    const subject = { principal, environment, context, canonicalContext, token, known };
    const etag = deps.bulk.etagOf(subject);
    if (ifNoneMatchMatches(header(req, 'if-none-match'), etag)) {
      res.writeHead(304, { ETag: etag, 'Cache-Control': 'no-cache', ...scopeHeaders(environment) });
      res.end();
      return 304;
    }
    const answer = deps.bulk.answer(subject, etag);
    res.writeHead(200, answer.headers200);
    res.end(answer.body);
    return 200;
  } catch (err) {
    return send(res, failed(deps, undefined, err));
  }
}

/**
 * A bulk request with `?asOf=`: every flag of the environment as the state was then (history/time-travel.ts),
 * through the same evaluator, checked and refused in the order and the ways of the single-flag `asOf`.
 * Apart from the hot path: the body is read and parsed every time, and neither the context memo nor the
 * answer memo is read or written. A past state never changes: its answer has an ETag of its own
 * (BulkEvaluation.pastEtagOf) and no event stream. An `asOf` at or after the current revision is the
 * live answer, with the live ETag and event stream; both carry the revision answered.
 */
async function answerBulkAsOf(
  deps: OfrepDeps,
  req: IncomingMessage,
  res: ServerResponse,
  asked: {
    principal: Principal;
    token: string | undefined;
    requested: string | undefined;
    configRevision: number | undefined;
    asOf: string;
  },
): Promise<number> {
  const { principal, token } = asked;
  const asOf = parseAsOf(asked.asOf);
  assertJsonContentType(req);
  const request = parseEvaluationRequest(await readBody(req, deps.bodyLimitBytes));
  if (!request.ok) return send(res, refusedRequest(undefined, request));
  const problem = contextProblem(request.context);
  if (problem !== undefined) return send(res, invalidContextAnswer(undefined, problem));
  const context = request.context as object;
  if (asked.configRevision !== undefined) await deps.state.whenReleased(asked.configRevision, CONFIG_WAIT_MS);
  const state = await deps.history.stateAt(asOf);
  const environment = evaluationEnvironment(principal, asked.requested, state.records);
  if (res.headersSent) return res.statusCode;
  const subject = { principal, environment, context, canonicalContext: canonicalJson(context), token };
  const etag = state.live ? deps.bulk.etagOf(subject) : deps.bulk.pastEtagOf(subject, state);
  const revision = { [AS_OF_REVISION_HEADER]: String(state.revision) };
  if (ifNoneMatchMatches(header(req, 'if-none-match'), etag)) {
    res.writeHead(304, {
      ETag: etag,
      'Cache-Control': 'no-cache',
      ...scopeHeaders(environment),
      ...revision,
    });
    res.end();
    return 304;
  }
  const answer = deps.bulk.answerAsOf(subject, state, etag, revision);
  res.writeHead(200, answer.headers200);
  res.end(answer.body);
  return 200;
}

/**
 * A bulk request's context, parsed, checked and canonicalised, and remembered by the body's bytes; or
 * the answer refusing it (a refusal is not remembered: the same bytes are refused the same way again).
 */
function readBulkContext(
  contexts: BulkContextMemo,
  body: Buffer,
): { ok: true; known: KnownContext } | { ok: false; answer: OfrepAnswer } {
  const request = parseEvaluationRequest(body);
  if (!request.ok) return { ok: false, answer: refusedRequest(undefined, request) };
  const problem = contextProblem(request.context);
  if (problem !== undefined) return { ok: false, answer: invalidContextAnswer(undefined, problem) };
  const context = request.context as object;
  return { ok: true, known: contexts.remember(body, context, canonicalJson(context)) };
}

function assertPost(req: IncomingMessage): void {
  if (req.method !== 'POST')
    throw new AppError('METHOD_NOT_ALLOWED', `OFREP evaluates with POST, not ${req.method}`);
}

async function readEvaluationRequest(deps: OfrepDeps, req: IncomingMessage): Promise<EvaluationRequest> {
  assertJsonContentType(req);
  return parseEvaluationRequest(await readBody(req, deps.bodyLimitBytes));
}

function refusedRequest(key: string | undefined, request: EvaluationRequest & { ok: false }): OfrepAnswer {
  return request.errorCode === 'PARSE_ERROR'
    ? parseErrorAnswer(key, request.details)
    : invalidContextAnswer(key, request.details);
}

function failed(deps: OfrepDeps, key: string | undefined, err: unknown): OfrepAnswer {
  const answer = failureAnswer(key, err);
  if (answer.status >= 500) deps.logger.error({ err, key }, 'OFREP evaluation failed');
  return answer;
}

/** The token: `Authorization: Bearer <token>`, or OFREP's other scheme, `X-API-Key: <token>`. */
function authorizationOf(req: IncomingMessage): string | undefined {
  const authorization = req.headers.authorization;
  if (authorization !== undefined) return authorization;
  const apiKey = req.headers['x-api-key'];
  return typeof apiKey === 'string' ? `Bearer ${apiKey}` : undefined;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function decodeKey(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new AppError('VALIDATION_FAILED', 'The flag key in the path is not valid percent-encoded UTF-8');
  }
}

/** An answer for `asOf`: the revision it is for, as a header and in the body's metadata. */
function asOfAnswer(answer: OfrepAnswer, revision: number): OfrepAnswer {
  return {
    ...answer,
    body: { ...answer.body, metadata: { ...answer.body.metadata, asOfRevision: revision } },
    headers: { ...answer.headers, [AS_OF_REVISION_HEADER]: String(revision) },
  };
}

/** Writes a JSON answer (unless the response already went); resolves nothing, returns the status. */
function send(res: ServerResponse, answer: OfrepAnswer): number {
  if (res.headersSent) return res.statusCode;
  const payload = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    ...answer.headers,
  });
  res.end(payload);
  return answer.status;
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { AccessControl } from '../auth/access-control.js';
import { AppError } from '../errors.js';
import { evaluationEnvironment } from '../evaluation/environment.js';
import type { FlagEvaluator } from '../evaluation/flag-evaluator.js';
import { assertMayEvaluate } from '../evaluation/permission.js';
import type { RecordCatalog } from '../flags/record-catalog.js';
import { AS_OF_REVISION_HEADER, parseAsOf } from '../history/as-of.js';
import type { TimeTravel } from '../history/time-travel.js';
import type { Metrics } from '../metrics/metrics.js';
import { assertJsonContentType, parseEvaluationRequest, readBody } from './request-body.js';
import {
  evaluationAnswer,
  failureAnswer,
  invalidContextAnswer,
  type OfrepAnswer,
  parseErrorAnswer,
} from './responses.js';

/** The single-flag endpoint: `POST /ofrep/v1/evaluate/flags/{key}`. */
const SINGLE_FLAG_PATH = '/ofrep/v1/evaluate/flags/';

export interface OfrepDeps {
  evaluator: FlagEvaluator;
  /** Where environments are looked up (the snapshot). */
  catalog: RecordCatalog;
  /** `?asOf=`: the evaluator and environments of the state as it was then. */
  history: TimeTravel;
  access: AccessControl;
  bodyLimitBytes: number;
  logger: Logger;
  metrics?: Metrics;
  /** With CORS configured, browser requests (with `Origin`) are left to Express, which adds its headers. */
  skipCrossOrigin: boolean;
}

export interface OfrepTransport {
  /** Before Express: answers an OFREP request and returns true; false for anything else. */
  fastPath(req: IncomingMessage, res: ServerResponse): boolean;
  /** In Express, after CORS: answers the OFREP requests the fast path left (cross-origin ones). */
  route: RequestHandler;
}

/**
 * The OpenFeature Remote Evaluation Protocol (open-feature/protocol, service/openapi.yaml) over plain
 * node:http: evaluations are answered before Express, like polls, because OFREP asks once per flag
 * read. Thin: the environment, the permission and the evaluation are the evaluation module's; this
 * reads the request and writes OFREP's bodies (responses.ts). The bulk endpoint
 * (`POST /ofrep/v1/evaluate/flags`) is another path here, on the same request reading and evaluator.
 */
export function ofrepTransport(deps: OfrepDeps): OfrepTransport {
  // `observe`: only before Express; requests through Express are counted by its request metrics.
  const serve = (req: IncomingMessage, res: ServerResponse, observe: boolean): boolean => {
    const url = req.url ?? '';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    if (!path.startsWith(SINGLE_FLAG_PATH) || path.length === SINGLE_FLAG_PATH.length) return false;
    const rawKey = path.slice(SINGLE_FLAG_PATH.length);
    const query = queryAt === -1 ? '' : url.slice(queryAt + 1);
    const started = performance.now();
    void answerSingleFlag(deps, req, rawKey, query).then((answer) => {
      send(res, answer);
      if (observe)
        deps.metrics?.httpDuration.observe(
          { method: req.method ?? '', route: 'ofrep-flag', status: String(answer.status) },
          (performance.now() - started) / 1000,
        );
    });
    return true;
  };
  return {
    fastPath: (req, res) => {
      if (deps.skipCrossOrigin && req.headers.origin !== undefined) return false;
      return serve(req, res, true);
    },
    route: (req, res, next) => {
      if (!serve(req, res, false)) next();
    },
  };
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
    const principal = deps.access.authenticate(authorizationOf(req));
    assertMayEvaluate(principal);
    if (req.method !== 'POST')
      throw new AppError('METHOD_NOT_ALLOWED', `OFREP evaluates with POST, not ${req.method}`);
    const params = queryParams(query);
    const asOf = params.asOf === undefined ? undefined : parseAsOf(params.asOf);
    // A refused environment is answered before the body is read (with asOf: once the state is found).
    if (asOf === undefined) evaluationEnvironment(principal, params.environment, deps.catalog);
    assertJsonContentType(req);
    const request = parseEvaluationRequest(await readBody(req, deps.bodyLimitBytes));
    if (!request.ok)
      return request.errorCode === 'PARSE_ERROR'
        ? parseErrorAnswer(key, request.details)
        : invalidContextAnswer(key, request.details);
    if (asOf === undefined) {
      const environment = evaluationEnvironment(principal, params.environment, deps.catalog);
      return evaluationAnswer(deps.evaluator.evaluate(key, environment, request.context));
    }
    // The state then: its environments, flags and segments, through the same evaluator.
    const state = await deps.history.stateAt(asOf);
    const environment = evaluationEnvironment(principal, params.environment, state.records);
    return asOfAnswer(
      evaluationAnswer(state.evaluator.evaluate(key, environment, request.context)),
      state.revision,
    );
  } catch (err) {
    const answer = failureAnswer(key, err);
    if (answer.status >= 500) deps.logger.error({ err, key }, 'OFREP evaluation failed');
    return answer;
  }
}

/** The token: `Authorization: Bearer <token>`, or OFREP's other scheme, `X-API-Key: <token>`. */
function authorizationOf(req: IncomingMessage): string | undefined {
  const authorization = req.headers.authorization;
  if (authorization !== undefined) return authorization;
  const apiKey = req.headers['x-api-key'];
  return typeof apiKey === 'string' ? `Bearer ${apiKey}` : undefined;
}

function decodeKey(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new AppError('VALIDATION_FAILED', 'The flag key in the path is not valid percent-encoded UTF-8');
  }
}

const QUERY_PARAMS = ['environment', 'asOf'] as const;
type QueryParams = Partial<Record<(typeof QUERY_PARAMS)[number], string>>;

/**
 * `?environment=` and `?asOf=` (each at most once); any other query parameter is refused, as on every
 * route. `asOf` is Flagwire's: a provider that never sends it evaluates the live state.
 */
function queryParams(query: string): QueryParams {
  const params: QueryParams = {};
  if (query === '') return params;
  for (const [name, value] of new URLSearchParams(query)) {
    if (!(QUERY_PARAMS as readonly string[]).includes(name))
      throw new AppError(
        'VALIDATION_FAILED',
        `Unknown query parameter '${name.slice(0, 64)}': this endpoint takes only 'environment' and 'asOf'`,
        { field: name.slice(0, 64) },
      );
    const known = name as (typeof QUERY_PARAMS)[number];
    if (params[known] !== undefined)
      throw new AppError('VALIDATION_FAILED', `Query parameter '${known}' must be given at most once`, {
        field: known,
      });
    params[known] = value;
  }
  return params;
}

/** An answer for `asOf`: the revision it is for, as a header and in the body's metadata. */
function asOfAnswer(answer: OfrepAnswer, revision: number): OfrepAnswer {
  return {
    ...answer,
    body: { ...answer.body, metadata: { ...answer.body.metadata, asOfRevision: revision } },
    headers: { ...answer.headers, [AS_OF_REVISION_HEADER]: String(revision) },
  };
}

function send(res: ServerResponse, answer: OfrepAnswer): void {
  if (res.headersSent) return;
  const payload = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    ...answer.headers,
  });
  res.end(payload);
}

// ofrep-bulk-200, ofrep-bulk-304, ofrep-bulk-rotation: OFREP bulk evaluation (POST
// /ofrep/v1/evaluate/flags, what a browser's @openfeature/ofrep-web-provider sends) of 200 flags for a
// context, with a frontend token, against bare node:http serving the very same response bytes, with
// autocannon from its own process, alternating baseline and subject runs (throughput.ts). The 200 is a
// warm repeat of one context (answered from the memo); the 304 a revalidation with its ETag; the
// rotation 10,000 distinct contexts, each connection starting at its own place in the rotation. The
// warm 200 is also measured with the memo off (OFREP_MEMO_BYTES=0): whether the memo pays (not with
// --quick).

import { log } from '../support/log.js';
import type { BenchOptions } from '../support/options.js';
import { type Exchange, exchange, requestText, sameResponse } from '../support/raw-http.js';
import { fmt, type ScenarioResult } from '../support/results.js';
import { type ServiceProcess, startServiceProcess } from '../support/service-process.js';
import { median } from '../support/stats.js';
import {
  ADMIN_TOKEN,
  type Comparison,
  compare,
  comparisonFigures,
  PRODUCTION_ENV,
  startBare,
} from './throughput.js';

export const BULK_TARGET_200 = 0.3;
export const BULK_TARGET_304 = 0.5;
export const BULK_FLAGS = 200;
export const ROTATION_CONTEXTS = 10_000;

const FRONTEND_TOKEN = 'bench-frontend-token-0123456789abcdef';
const SERVICE_ENV = {
  ...PRODUCTION_ENV,
  FRONTEND_TOKENS: FRONTEND_TOKEN,
  // Measured is the evaluation path, not the limiter's refusals (its check stays in the path).
  FRONTEND_RATE_PER_MINUTE: '1000000000',
  FRONTEND_RATE_BURST: '1000000000',
};
const SERVICE_MODE = 'NODE_ENV=production, a frontend token (FRONTEND_TOKENS), memo on (16 MiB default)';
const PATH = '/ofrep/v1/evaluate/flags';
const HEADERS = { Authorization: `Bearer ${FRONTEND_TOKEN}`, 'Content-Type': 'application/json' };

/** Flag `i` of the 200: a mix of types, rules, targets and rollouts, as a site's flags are. */
function definition(i: number): unknown {
  const on = (fallthrough: unknown, extra: Record<string, unknown> = {}) => ({
    production: { enabled: true, offVariant: 'a', fallthrough, ...extra },
  });
  switch (i % 4) {
    case 0:
      return {
        type: 'boolean',
        variants: { a: false, b: true },
        environments: on(
          {
            rollout: {
              weights: [
                { variant: 'a', weight: 50 },
                { variant: 'b', weight: 50 },
              ],
            },
          },
          {
            rules: [
              {
                clauses: [{ attribute: 'plan', op: 'in', values: ['team', 'enterprise'] }],
                serve: { variant: 'b' },
              },
            ],
          },
        ),
      };
    case 1:
      return {
        type: 'string',
        variants: { a: 'world', b: 'eu' },
        environments: on(
          { variant: 'a' },
          {
            rules: [
              {
                clauses: [{ attribute: 'country', op: 'in', values: ['FR', 'DE', 'IT'] }],
                serve: { variant: 'b' },
              },
            ],
          },
        ),
      };
    case 2:
      return { type: 'number', variants: { a: 10, b: 25 }, environments: on({ variant: 'b' }) };
    default:
      return {
        type: 'object',
        variants: { a: { layout: 'list', size: 10 }, b: { layout: 'grid', size: 24 } },
        environments: on(
          { variant: 'a' },
          { targets: [{ variant: 'b', values: ['user-1', 'user-2', 'user-3'] }] },
        ),
      };
  }
}

function contextOf(i: number) {
  return {
    targetingKey: `user-${i}`,
    plan: ['free', 'pro', 'team'][i % 3],
    country: ['DE', 'US', 'FR', 'JP'][i % 4],
    email: `user-${i}@example.com`,
    appVersion: '2.3.0',
  };
}

const BODY = JSON.stringify({ context: contextOf(7) });

async function startSeeded(options: BenchOptions, memoBytes?: number): Promise<ServiceProcess> {
  const env = memoBytes === undefined ? SERVICE_ENV : { ...SERVICE_ENV, OFREP_MEMO_BYTES: String(memoBytes) };
  const service = await startServiceProcess(env, { nodeArgs: options.serverNodeArgs });
  let next = 0;
  const worker = async () => {
    while (next < BULK_FLAGS) {
      const i = next++;
      const res = await fetch(`${service.url}/feature-flags/site.flag-${String(i).padStart(3, '0')}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
        body: JSON.stringify(definition(i)),
      });
      if (res.status !== 201) throw new Error(`PUT flag ${i}: ${res.status} ${await res.text()}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return service;
}

function rps(cmp: Comparison) {
  return {
    p99: median(cmp.subject.map((r) => r.load.latencyMs.p99)),
    p50: median(cmp.subject.map((r) => r.load.latencyMs.p50)),
    max: Math.max(...cmp.subject.map((r) => r.load.latencyMs.max)),
    n: cmp.subject.reduce((n, r) => n + r.load.requests, 0),
  };
}

export async function runOfrepBulk(options: BenchOptions): Promise<ScenarioResult[]> {
  const service = await startSeeded(options);
  let bare: Awaited<ReturnType<typeof startBare>> | undefined;
  let noMemo: ServiceProcess | undefined;
  try {
    const ok = await exchange(service.port, requestText(service.port, 'POST', PATH, HEADERS, BODY));
    const parsed = JSON.parse(ok.body.toString('utf8')) as { flags?: unknown[] };
    if (ok.status !== 200 || parsed.flags?.length !== BULK_FLAGS)
      throw new Error(`ofrep-bulk: unexpected answer ${ok.status} ${ok.body.toString('utf8').slice(0, 300)}`);
    const etag = ok.headers.find(([name]) => name.toLowerCase() === 'etag')?.[1] ?? '';
    const conditional = { ...HEADERS, 'If-None-Match': etag };
    const notModified = await exchange(
      service.port,
      requestText(service.port, 'POST', PATH, conditional, BODY),
    );
    if (notModified.status !== 304) throw new Error(`ofrep-bulk: expected 304, got ${notModified.status}`);
    bare = await startBare([ok, notModified]);
    const [port200 = 0, port304 = 0] = bare.ports;
    const same = async (port: number, expected: Exchange, headers: Record<string, string>) =>
      sameResponse(expected, await exchange(port, requestText(port, 'POST', PATH, headers, BODY)));
    const sameBytes = {
      '200': await same(port200, ok, HEADERS),
      '304': await same(port304, notModified, conditional),
    };
    const baseline200 = { port: port200, pid: bare.pid };
    const subject = { port: service.port, pid: service.pid };

    log(
      `ofrep-bulk: ${BULK_FLAGS} flags; ${options.rounds} x (baseline, subject), ${options.durationSeconds} s each`,
    );
    const warm = [{ method: 'POST', path: PATH, headers: HEADERS, body: BODY }];
    const cmp200 = await compare(options, warm, '200', baseline200, subject);
    const cmp304 = await compare(
      options,
      [{ method: 'POST', path: PATH, headers: conditional, body: BODY }],
      '304',
      { port: port304, pid: bare.pid },
      subject,
    );
    const bodies = Array.from({ length: ROTATION_CONTEXTS }, (_, i) =>
      JSON.stringify({ context: contextOf(i) }),
    );
    log(`ofrep-bulk: ${ROTATION_CONTEXTS.toLocaleString('en-US')} contexts in rotation`);
    const cmpRotation = await compare(options, warm, '200', baseline200, subject, { bodies });

    // Whether the memo pays: the same warm 200 against a service without it (not in --quick, which
    // only checks that the harness runs; it would add a service and a comparison).
    let cmpNoMemo: Comparison | undefined;
    if (!options.quick) {
      await service.stop();
      noMemo = await startSeeded(options, 0);
      cmpNoMemo = await compare(options, warm, '200', baseline200, { port: noMemo.port, pid: noMemo.pid });
    }
    const memoGain = cmpNoMemo === undefined ? undefined : cmp200.subjectRps / cmpNoMemo.subjectRps;

    const details = {
      serviceMode: SERVICE_MODE,
      flags: BULK_FLAGS,
      request: warm[0],
      responseBytes: ok.headBytes + ok.bodyBytes,
      baselineSendsIdenticalBytes: sameBytes,
      connections: options.connections,
      durationSeconds: options.durationSeconds,
      warm200WithoutMemo:
        cmpNoMemo === undefined
          ? 'not measured with --quick'
          : { requestsPerSecond: cmpNoMemo.subjectRps, ratio: cmpNoMemo.ratio, runs: cmpNoMemo.subject },
      memoGain: memoGain ?? null,
    };
    const bytesNote = (which: '200' | '304') =>
      sameBytes[which] ? '' : ' (NOT the same bytes: see latest.json)';
    const result = (
      id: ScenarioResult['id'],
      cmp: Comparison,
      measure: string,
      target: number | undefined,
      extra: string,
      note: string,
    ): ScenarioResult => ({
      id,
      measure,
      result: `${fmt.int(cmp.subjectRps)} req/s = ${fmt.ratio(cmp.ratio)}; p99 ${fmt.ms(rps(cmp).p99)}${extra}`,
      baseline: `${fmt.int(cmp.baselineRps)} req/s${note}`,
      target: target === undefined ? 'report' : `>= ${target}x`,
      status: target === undefined ? 'reported' : cmp.ratio >= target ? 'met' : 'missed',
      ...comparisonFigures(cmp, service.pid),
      latency: rps(cmp),
      details: { ...details, order: cmp.order, subject: cmp.subject, baseline: cmp.baseline },
    });
    return [
      result(
        'ofrep-bulk-200',
        cmp200,
        `POST ${PATH}, ${BULK_FLAGS} flags, one context repeated (memo): req/s vs bare node serving the same bytes, p99; frontend token, production mode`,
        BULK_TARGET_200,
        cmpNoMemo === undefined || memoGain === undefined
          ? ''
          : `; without the memo ${fmt.int(cmpNoMemo.subjectRps)} req/s (memo x${memoGain.toFixed(1)})`,
        bytesNote('200'),
      ),
      result(
        'ofrep-bulk-304',
        cmp304,
        `POST ${PATH} with If-None-Match (${BULK_FLAGS} flags): 304 req/s vs bare node serving the same 304, p99`,
        BULK_TARGET_304,
        '',
        bytesNote('304'),
      ),
      result(
        'ofrep-bulk-rotation',
        cmpRotation,
        `POST ${PATH}, ${BULK_FLAGS} flags, ${ROTATION_CONTEXTS.toLocaleString('en-US')} distinct contexts in rotation: req/s vs bare node serving one 200, p99`,
        undefined,
        '',
        ' (one answer, always the same)',
      ),
    ];
  } finally {
    await bare?.stop();
    await service.stop();
    await noMemo?.stop();
  }
}

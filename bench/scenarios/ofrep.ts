// ofrep-single: OFREP single-flag evaluation over HTTP (POST /ofrep/v1/evaluate/flags/{key} with a
// context) against bare node:http serving the very same response bytes, with autocannon from its own
// process, alternating baseline and subject runs like the throughput scenarios (throughput.ts).

import { log } from '../support/log.js';
import type { BenchOptions } from '../support/options.js';
import { exchange, requestText, sameResponse } from '../support/raw-http.js';
import { fmt, type ScenarioResult } from '../support/results.js';
import { startServiceProcess } from '../support/service-process.js';
import { median } from '../support/stats.js';
import {
  ADMIN_TOKEN,
  AUTH,
  compare,
  comparisonFigures,
  PRODUCTION_ENV,
  SERVICE_MODE,
  startBare,
} from './throughput.js';

export const OFREP_TARGET = 0.3;

/**
 * The flag evaluated: a prerequisite, a target list, three rules (several operators, the last a
 * rollout) and a rollout fallthrough, so the measured request runs the evaluator's whole path.
 */
const FLAG_KEY = 'checkout.new-flow';
const FLAG = {
  type: 'string',
  variants: { control: 'v1', treatment: 'v2', off: 'v0' },
  environments: {
    production: {
      enabled: true,
      offVariant: 'off',
      prerequisites: [{ flag: 'checkout.enabled', variants: ['on'] }],
      targets: [{ variant: 'treatment', values: ['user-17', 'user-42'] }],
      rules: [
        {
          clauses: [
            { attribute: 'plan', op: 'in', values: ['team', 'enterprise'] },
            { attribute: 'country', op: 'in', values: ['FR'], negate: true },
          ],
          serve: { variant: 'treatment' },
        },
        {
          clauses: [{ attribute: 'email', op: 'endsWith', values: ['@corp.example'] }],
          serve: { variant: 'control' },
        },
        {
          clauses: [
            { attribute: 'appVersion', op: 'semverGt', values: ['2.0.0'] },
            { attribute: 'age', op: 'gte', values: [18] },
          ],
          serve: {
            rollout: {
              weights: [
                { variant: 'treatment', weight: 50 },
                { variant: 'control', weight: 50 },
              ],
            },
          },
        },
      ],
      fallthrough: {
        rollout: {
          weights: [
            { variant: 'treatment', weight: 10 },
            { variant: 'control', weight: 90 },
          ],
        },
      },
    },
  },
};
/** A context that passes the prerequisite and every rule to land in the fallthrough's rollout. */
const CONTEXT = {
  targetingKey: 'user-7',
  plan: 'pro',
  country: 'DE',
  email: 'ann@example.com',
  appVersion: '1.4.0',
  age: 33,
};
const PATH = `/ofrep/v1/evaluate/flags/${FLAG_KEY}`;
const HEADERS = { ...AUTH, 'Content-Type': 'application/json' };
const BODY = JSON.stringify({ context: CONTEXT });

export async function runOfrepSingle(options: BenchOptions): Promise<ScenarioResult> {
  const service = await startServiceProcess(PRODUCTION_ENV, { nodeArgs: options.serverNodeArgs });
  let bare: Awaited<ReturnType<typeof startBare>> | undefined;
  try {
    for (const [key, definition] of [
      [
        'checkout.enabled',
        {
          type: 'boolean',
          variants: { on: true, off: false },
          environments: { production: { enabled: true, offVariant: 'off', fallthrough: { variant: 'on' } } },
        },
      ],
      [FLAG_KEY, FLAG],
    ] as const) {
      const res = await fetch(`${service.url}/feature-flags/${key}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
        body: JSON.stringify(definition),
      });
      if (res.status !== 201) throw new Error(`PUT ${key}: ${res.status} ${await res.text()}`);
    }
    const answer = await exchange(service.port, requestText(service.port, 'POST', PATH, HEADERS, BODY));
    const parsed = JSON.parse(answer.body.toString('utf8')) as { reason?: string };
    if (answer.status !== 200 || parsed.reason !== 'SPLIT')
      throw new Error(`ofrep-single: unexpected answer ${answer.status} ${answer.body.toString('utf8')}`);
    bare = await startBare([answer]);
    const port = bare.ports[0] ?? 0;
    const fromBare = await exchange(port, requestText(port, 'POST', PATH, HEADERS, BODY));
    const sameBytes = sameResponse(answer, fromBare);

    log(`ofrep-single: ${options.rounds} x (baseline, subject), ${options.durationSeconds} s each`);
    const requests = [{ method: 'POST', path: PATH, headers: HEADERS, body: BODY }];
    const cmp = await compare(
      options,
      requests,
      '200',
      { port, pid: bare.pid },
      { port: service.port, pid: service.pid },
    );
    const p50 = median(cmp.subject.map((r) => r.load.latencyMs.p50));
    const p99 = median(cmp.subject.map((r) => r.load.latencyMs.p99));
    const max = Math.max(...cmp.subject.map((r) => r.load.latencyMs.max));
    return {
      id: 'ofrep-single',
      measure:
        'POST /ofrep/v1/evaluate/flags/{key} (prerequisite, target, 3 rules, rollout): req/s vs bare node serving the same bytes, p99; production mode',
      result: `${fmt.int(cmp.subjectRps)} req/s = ${fmt.ratio(cmp.ratio)}; p99 ${fmt.ms(p99)}`,
      baseline: `${fmt.int(cmp.baselineRps)} req/s${sameBytes ? '' : ' (NOT the same bytes: see latest.json)'}`,
      target: `>= ${OFREP_TARGET}x`,
      status: cmp.ratio >= OFREP_TARGET ? 'met' : 'missed',
      ...comparisonFigures(cmp, service.pid),
      latency: { p50, p99, max, n: cmp.subject.reduce((n, r) => n + r.load.requests, 0) },
      details: {
        serviceMode: SERVICE_MODE,
        request: requests[0],
        answer: parsed,
        responseBytes: answer.headBytes + answer.bodyBytes,
        baselineSendsIdenticalBytes: sameBytes,
        connections: options.connections,
        durationSeconds: options.durationSeconds,
        order: cmp.order,
        subject: cmp.subject,
        baseline: cmp.baseline,
        subjectRequestsPerSecond: cmp.subjectRps,
        baselineRequestsPerSecond: cmp.baselineRps,
      },
    };
  } finally {
    await bare?.stop();
    await service.stop();
  }
}

// poll-304, poll-200, the graphql-* reads and bandwidth: one service process seeded with the flags, in
// production mode with tokens (as users run it), one bare node:http process serving byte-identical
// responses, and autocannon from a third process, alternating baseline and subject runs.
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BareResponse } from '../baseline/bare-server.js';
import type { LoadOptions, LoadResult } from '../loadgen/protocol.js';
import { runLoad, startServerChild } from '../support/child.js';
import { log } from '../support/log.js';
import type { BenchOptions } from '../support/options.js';
import { type CpuUse, measureCpu } from '../support/proc.js';
import {
  applicationHeaders,
  type Exchange,
  exchange,
  requestText,
  sameResponse,
} from '../support/raw-http.js';
import { fmt, type ScenarioId, type ScenarioResult } from '../support/results.js';
import { betaKeys, PREFIX, seedFlags } from '../support/seed.js';
import { startServiceProcess } from '../support/service-process.js';
import { median } from '../support/stats.js';

/**
 * The service runs as users run it: `NODE_ENV=production` (which refuses to start without tokens, and
 * turns off GraphQL introspection), seeded with the admin token; every measured read carries the client
 * token. The bare baseline receives the very same requests.
 */
export const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
export const CLIENT_TOKEN = 'bench-client-token-0123456789abcdef';
export const SERVICE_MODE =
  'NODE_ENV=production, with ADMIN_TOKENS and CLIENT_TOKENS (reads use the client token)';
export const PRODUCTION_ENV = {
  NODE_ENV: 'production',
  ADMIN_TOKENS: ADMIN_TOKEN,
  CLIENT_TOKENS: CLIENT_TOKEN,
};
export const AUTH = { Authorization: `Bearer ${CLIENT_TOKEN}` };

const LIST_PATH = `/feature-flags?prefix=${PREFIX}`;
const FLAG_FIELDS = 'key isEnabled description version revision createdAt updatedAt';
const LIST_QUERY = `query ($prefix: String) { flags(prefix: $prefix) { ${FLAG_FIELDS} } }`;
const GRAPHQL_BODY = JSON.stringify({ query: LIST_QUERY, variables: { prefix: PREFIX } });
// GET, as Apollo Client's `useGETForQueries` sends it; the header is what Apollo's CSRF prevention asks
// of a GET (which has no Content-Type).
const GRAPHQL_GET_PATH = `/graphql?${new URLSearchParams({ query: LIST_QUERY, variables: JSON.stringify({ prefix: PREFIX }) }).toString()}`;
const GRAPHQL_GET_HEADERS = { ...AUTH, 'apollo-require-preflight': 'true' };
const GRAPHQL_FLAG_BODY = JSON.stringify({
  query: `query ($key: String!) { flag(key: $key) { ${FLAG_FIELDS} } }`,
  variables: { key: betaKeys(1)[0] },
});
const GRAPHQL_HEADERS = { ...AUTH, 'Content-Type': 'application/json' };

/** The GraphQL reads measured, each against bare node serving its exact response. */
const GRAPHQL_CASES = [
  {
    id: 'graphql-query',
    what: 'POST flags(prefix)',
    method: 'POST',
    path: '/graphql',
    headers: GRAPHQL_HEADERS,
    body: GRAPHQL_BODY,
  },
  {
    id: 'graphql-get',
    what: 'GET flags(prefix)',
    method: 'GET',
    path: GRAPHQL_GET_PATH,
    headers: GRAPHQL_GET_HEADERS,
    body: undefined,
  },
  {
    id: 'graphql-flag',
    what: 'POST flag(key)',
    method: 'POST',
    path: '/graphql',
    headers: GRAPHQL_HEADERS,
    body: GRAPHQL_FLAG_BODY,
  },
] as const satisfies readonly {
  id: ScenarioId;
  what: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}[];

/** The GraphQL target: at least this fraction of bare node's req/s. */
const GRAPHQL_TARGET = 0.3;

export interface Run {
  load: LoadResult;
  /** The measured server's CPU over the run (from /proc/<pid>/stat). */
  serverCpu: CpuUse;
}

export interface Comparison {
  subject: Run[];
  baseline: Run[];
  subjectRps: number;
  baselineRps: number;
  ratio: number;
  /** Order the runs were made in, e.g. ["baseline", "subject", ...]. */
  order: string[];
}

export async function runThroughput(options: BenchOptions): Promise<ScenarioResult[]> {
  const service = await startServiceProcess(PRODUCTION_ENV, { nodeArgs: options.serverNodeArgs });
  let bare: { ports: number[]; pid: number; stop(): Promise<void> } | undefined;
  try {
    log(`throughput: seeding ${options.flags} flags; service in ${SERVICE_MODE}`);
    await seedFlags(service.url, options.flags, ADMIN_TOKEN);

    // The subject's responses, byte for byte: the baseline serves exactly these.
    const ok = await exchange(service.port, requestText(service.port, 'GET', LIST_PATH, AUTH));
    const etag = header(ok, 'etag');
    const conditional = { ...AUTH, 'If-None-Match': etag };
    const notModified = await exchange(
      service.port,
      requestText(service.port, 'GET', LIST_PATH, conditional),
    );
    const graphqlAnswers: Exchange[] = [];
    for (const g of GRAPHQL_CASES) {
      const answer = await exchange(
        service.port,
        requestText(service.port, g.method, g.path, g.headers, g.body),
      );
      if (answer.status !== 200 || JSON.parse(answer.body.toString('utf8')).errors !== undefined)
        throw new Error(`${g.id}: unexpected answer ${answer.status} ${answer.body.toString('utf8')}`);
      graphqlAnswers.push(answer);
    }
    if (ok.status !== 200 || notModified.status !== 304)
      throw new Error(`unexpected statuses ${ok.status}/${notModified.status}`);

    bare = await startBare([notModified, ok, ...graphqlAnswers]);
    const [port304 = 0, port200 = 0, ...graphqlPorts] = bare.ports;
    const bareNotModified = await exchange(port304, requestText(port304, 'GET', LIST_PATH, conditional));
    const bareOk = await exchange(port200, requestText(port200, 'GET', LIST_PATH, AUTH));
    const identical: Partial<Record<ScenarioId, boolean>> = {
      'poll-304': sameResponse(notModified, bareNotModified),
      'poll-200': sameResponse(ok, bareOk),
    };
    const answers: Partial<Record<ScenarioId, Exchange>> = { 'poll-304': notModified, 'poll-200': ok };
    for (const [i, g] of GRAPHQL_CASES.entries()) {
      const port = graphqlPorts[i] ?? 0;
      const answer = graphqlAnswers[i];
      if (!answer) continue;
      const fromBare = await exchange(port, requestText(port, g.method, g.path, g.headers, g.body));
      identical[g.id] = sameResponse(answer, fromBare);
      answers[g.id] = answer;
    }

    interface Case {
      id: ScenarioId;
      expect: string;
      requests: LoadOptions['requests'];
      baselinePort: number;
      /** What a GraphQL case reads; undefined for the polls. */
      graphql?: string;
    }
    const every: Case[] = [
      {
        id: 'poll-304',
        expect: '304',
        requests: [{ method: 'GET', path: LIST_PATH, headers: conditional }],
        baselinePort: port304,
      },
      {
        id: 'poll-200',
        expect: '200',
        requests: [{ method: 'GET', path: LIST_PATH, headers: AUTH }],
        baselinePort: port200,
      },
      ...GRAPHQL_CASES.map((g, i) => ({
        id: g.id,
        expect: '200',
        requests: [{ method: g.method, path: g.path, headers: g.headers, ...(g.body && { body: g.body }) }],
        baselinePort: graphqlPorts[i] ?? 0,
        graphql: g.what,
      })),
    ];
    const cases = every.filter((c) => !options.only || options.only.includes(c.id));
    const comparisons: Partial<Record<ScenarioId, Comparison>> = {};
    for (const c of cases) {
      log(`${c.id}: ${options.rounds} x (baseline, subject), ${options.durationSeconds} s each`);
      const subject = { port: service.port, pid: service.pid };
      const baseline = { port: c.baselinePort, pid: bare.pid };
      comparisons[c.id] = await compare(options, c.requests, c.expect, baseline, subject);
    }

    const wire = (e: Exchange) => e.headBytes + e.bodyBytes;
    const results: ScenarioResult[] = [];
    for (const c of cases) {
      const cmp = comparisons[c.id];
      const answer = answers[c.id];
      if (!cmp || !answer) continue;
      const subjectP99 = median(cmp.subject.map((r) => r.load.latencyMs.p99));
      const subjectP50 = median(cmp.subject.map((r) => r.load.latencyMs.p50));
      const subjectMax = Math.max(...cmp.subject.map((r) => r.load.latencyMs.max));
      const baselineP99 = median(cmp.baseline.map((r) => r.load.latencyMs.p99));
      const isGraphql = c.graphql !== undefined;
      const sameBytes = identical[c.id] ?? false;
      const target = isGraphql ? GRAPHQL_TARGET : 0.5;
      results.push({
        id: c.id,
        measure: isGraphql
          ? `${c.graphql}: req/s (vs bare node serving the same bytes), p99; production mode`
          : c.id === 'poll-304'
            ? 'req/s vs bare-node 304; production mode'
            : 'req/s vs bare node serving the same bytes; production mode',
        result: isGraphql
          ? `${fmt.int(cmp.subjectRps)} req/s = ${fmt.ratio(cmp.ratio)}; p99 ${fmt.ms(subjectP99)}`
          : `${fmt.int(cmp.subjectRps)} req/s = ${fmt.ratio(cmp.ratio)}`,
        baseline:
          `${fmt.int(cmp.baselineRps)} req/s${isGraphql ? `; p99 ${fmt.ms(baselineP99)}` : ''}` +
          (sameBytes ? '' : ' (NOT the same bytes: see latest.json)'),
        target: `>= ${target}x`,
        status: cmp.ratio >= target ? 'met' : 'missed',
        ...comparisonFigures(cmp, service.pid),
        // Request latency goes on the chart for the GraphQL queries only (their p99 is asked for); a poll
        // is answered well within autocannon's 1 ms resolution.
        ...(isGraphql && {
          latency: {
            p50: subjectP50,
            p99: subjectP99,
            max: subjectMax,
            n: sum(cmp.subject, (r) => r.load.requests),
          },
        }),
        details: {
          serviceMode: SERVICE_MODE,
          request: c.requests[0],
          requestLatencyMs: { p50: subjectP50, p99: subjectP99, max: subjectMax, baselineP99 },
          responseBytes: wire(answer),
          baselineSendsIdenticalBytes: sameBytes,
          connections: options.connections,
          durationSeconds: options.durationSeconds,
          order: cmp.order,
          subject: cmp.subject,
          baseline: cmp.baseline,
          subjectRequestsPerSecond: cmp.subjectRps,
          baselineRequestsPerSecond: cmp.baselineRps,
          roundRatios: cmp.subject.map(
            (s, i) => s.load.requestsPerSecond / (cmp.baseline[i]?.load.requestsPerSecond ?? 1),
          ),
        },
      });
    }

    const requestOk = Buffer.byteLength(requestText(service.port, 'GET', LIST_PATH, AUTH));
    const request304 = Buffer.byteLength(requestText(service.port, 'GET', LIST_PATH, conditional));
    const poll304 = request304 + wire(notModified);
    const poll200 = requestOk + wire(ok);
    results.push({
      id: 'bandwidth',
      measure: 'HTTP bytes per poll (request + response), 304 vs 200',
      result: `304: ${fmt.int(poll304)} B; 200: ${fmt.int(poll200)} B; ratio ${(poll304 / poll200).toFixed(4)} (200 is ${(poll200 / poll304).toFixed(1)}x)`,
      baseline: `responses alone: ${fmt.int(wire(notModified))} B vs ${fmt.int(wire(ok))} B`,
      target: 'report',
      status: 'reported',
      cpu: '—',
      details: {
        flagsInScope: (JSON.parse(ok.body.toString('utf8')) as unknown[]).length,
        request304Bytes: request304,
        response304Bytes: wire(notModified),
        request200Bytes: requestOk,
        response200Head: ok.headBytes,
        response200Body: ok.bodyBytes,
        poll304Bytes: poll304,
        poll200Bytes: poll200,
        ratio304To200: poll304 / poll200,
        note: 'HTTP/1.1 bytes on a keep-alive connection, without TCP/IP framing',
      },
    });
    return results;
  } finally {
    await bare?.stop();
    await service.stop();
  }
}

/** Warm-up, then `rounds` x (baseline, subject): each run from its own autocannon process. */
export async function compare(
  options: BenchOptions,
  requests: LoadOptions['requests'],
  expect: string,
  baseline: { port: number; pid: number },
  subject: { port: number; pid: number },
  loadOptions: Pick<LoadOptions, 'bodies'> = {},
): Promise<Comparison> {
  const run = async (target: { port: number; pid: number }, durationSeconds: number): Promise<Run> => {
    const cpu = measureCpu(target.pid);
    const load = await runLoad({
      url: `http://127.0.0.1:${target.port}`,
      connections: options.connections,
      durationSeconds,
      requests,
      ...loadOptions,
    });
    const serverCpu = cpu.stop();
    // The server was idle while the load generator started: count its CPU over the load only.
    serverCpu.wallMs = load.durationSeconds * 1000;
    serverCpu.cores = serverCpu.cpuMs / serverCpu.wallMs;
    const wrong = Object.entries(load.statusCodes).filter(([code]) => code !== expect);
    if (wrong.length > 0 || load.errors > 0)
      throw new Error(
        `expected only ${expect}, got ${JSON.stringify(load.statusCodes)}, ${load.errors} errors`,
      );
    return { load, serverCpu };
  };
  await run(baseline, 1);
  await run(subject, 1);
  const result: Comparison = {
    subject: [],
    baseline: [],
    subjectRps: 0,
    baselineRps: 0,
    ratio: 0,
    order: [],
  };
  for (let i = 0; i < options.rounds; i++) {
    result.baseline.push(await run(baseline, options.durationSeconds));
    result.order.push('baseline');
    result.subject.push(await run(subject, options.durationSeconds));
    result.order.push('subject');
  }
  result.subjectRps = median(result.subject.map((r) => r.load.requestsPerSecond));
  result.baselineRps = median(result.baseline.map((r) => r.load.requestsPerSecond));
  result.ratio = result.subjectRps / result.baselineRps;
  return result;
}

/**
 * What every throughput result reports of its comparison: CPU, the ratio, each round's ratio, and the
 * service's measurement windows (for --cpu-prof).
 */
export function comparisonFigures(cmp: Comparison, servicePid: number) {
  return {
    cpu: cpuSummary(cmp),
    ratio: cmp.ratio,
    roundRatios: cmp.subject.map(
      (r, i) => r.load.requestsPerSecond / (cmp.baseline[i]?.load.requestsPerSecond ?? Number.NaN),
    ),
    profile: [
      {
        pid: servicePid,
        windows: cmp.subject.map((r): [number, number] => [r.load.monotonicUs.start, r.load.monotonicUs.end]),
      },
    ],
  };
}

function cpuSummary(cmp: Comparison): string {
  const cores = (runs: Run[], pick: (r: Run) => number) => median(runs.map(pick)).toFixed(2);
  return (
    `server ${cores(cmp.subject, (r) => r.serverCpu.cores)} / loadgen ${cores(cmp.subject, (r) => r.load.cpu.cores)} cores; ` +
    `baseline: server ${cores(cmp.baseline, (r) => r.serverCpu.cores)} / loadgen ${cores(cmp.baseline, (r) => r.load.cpu.cores)}`
  );
}

function header(e: Exchange, name: string): string {
  const value = e.headers.find(([n]) => n.toLowerCase() === name)?.[1];
  if (value === undefined) throw new Error(`no ${name} header`);
  return value;
}

const sum = <T>(items: readonly T[], pick: (item: T) => number) => items.reduce((s, x) => s + pick(x), 0);

/** The bare node:http baseline process, one server per response. */
export async function startBare(
  exchanges: Exchange[],
): Promise<{ ports: number[]; pid: number; stop(): Promise<void> }> {
  const specs: BareResponse[] = exchanges.map((e) => ({
    status: e.status,
    headers: applicationHeaders(e.headers),
    bodyBase64: e.body.toString('base64'),
  }));
  const file = join(tmpdir(), `flagwire-bench-bare-${process.pid}.json`);
  await writeFile(file, JSON.stringify(specs));
  const child = await startServerChild<{ ports: number[] }>('bench/baseline/bare-server.ts', [file]);
  return {
    ports: child.info.ports,
    pid: child.pid,
    stop: async () => {
      await child.stop();
      await rm(file, { force: true });
    },
  };
}

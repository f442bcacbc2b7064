// poll-304, poll-200, graphql-query and bandwidth: one service process seeded with the flags, one bare
// node:http process serving byte-identical responses, and autocannon from a third process, alternating
// baseline and subject runs.
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
import { fmt, type ScenarioResult } from '../support/results.js';
import { PREFIX, seedFlags } from '../support/seed.js';
import { startServiceProcess } from '../support/service-process.js';
import { median } from '../support/stats.js';

const LIST_PATH = `/feature-flags?prefix=${PREFIX}`;
const GRAPHQL_BODY = JSON.stringify({
  query:
    'query ($prefix: String) { flags(prefix: $prefix) { key isEnabled description version revision createdAt updatedAt } }',
  variables: { prefix: PREFIX },
});
const GRAPHQL_HEADERS = { 'Content-Type': 'application/json' };

interface Run {
  load: LoadResult;
  /** The measured server's CPU over the run (from /proc/<pid>/stat). */
  serverCpu: CpuUse;
}

interface Comparison {
  subject: Run[];
  baseline: Run[];
  subjectRps: number;
  baselineRps: number;
  ratio: number;
  /** Order the runs were made in, e.g. ["baseline", "subject", ...]. */
  order: string[];
}

export async function runThroughput(options: BenchOptions): Promise<ScenarioResult[]> {
  const service = await startServiceProcess({}, { nodeArgs: options.serverNodeArgs });
  let bare: { ports: number[]; pid: number; stop(): Promise<void> } | undefined;
  try {
    log(`throughput: seeding ${options.flags} flags`);
    await seedFlags(service.url, options.flags);

    // The subject's responses, byte for byte: the baseline serves exactly these.
    const ok = await exchange(service.port, requestText(service.port, 'GET', LIST_PATH));
    const etag = header(ok, 'etag');
    const conditional = { 'If-None-Match': etag };
    const notModified = await exchange(
      service.port,
      requestText(service.port, 'GET', LIST_PATH, conditional),
    );
    const graphqlRequest = requestText(service.port, 'POST', '/graphql', GRAPHQL_HEADERS, GRAPHQL_BODY);
    const graphql = await exchange(service.port, graphqlRequest);
    if (ok.status !== 200 || notModified.status !== 304 || graphql.status !== 200)
      throw new Error(`unexpected statuses ${ok.status}/${notModified.status}/${graphql.status}`);

    bare = await startBare([notModified, ok, graphql]);
    const [port304 = 0, port200 = 0, portGraphql = 0] = bare.ports;
    const bareNotModified = await exchange(port304, requestText(port304, 'GET', LIST_PATH, conditional));
    const bareOk = await exchange(port200, requestText(port200, 'GET', LIST_PATH));
    const bareGraphql = await exchange(portGraphql, requestText(portGraphql, 'POST', '/graphql'));
    const identical = {
      'poll-304': sameResponse(notModified, bareNotModified),
      'poll-200': sameResponse(ok, bareOk),
      'graphql-query': sameResponse(graphql, bareGraphql),
    };

    const cases = [
      {
        id: 'poll-304' as const,
        expect: '304',
        requests: [{ method: 'GET', path: LIST_PATH, headers: conditional }],
        baselinePort: port304,
      },
      {
        id: 'poll-200' as const,
        expect: '200',
        requests: [{ method: 'GET', path: LIST_PATH }],
        baselinePort: port200,
      },
      {
        id: 'graphql-query' as const,
        expect: '200',
        requests: [{ method: 'POST', path: '/graphql', headers: GRAPHQL_HEADERS, body: GRAPHQL_BODY }],
        baselinePort: portGraphql,
      },
    ];
    const comparisons: Record<string, Comparison> = {};
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
      if (!cmp) continue;
      const subjectP99 = median(cmp.subject.map((r) => r.load.latencyMs.p99));
      const subjectP50 = median(cmp.subject.map((r) => r.load.latencyMs.p50));
      const subjectMax = Math.max(...cmp.subject.map((r) => r.load.latencyMs.max));
      const baselineP99 = median(cmp.baseline.map((r) => r.load.latencyMs.p99));
      const isGraphql = c.id === 'graphql-query';
      const sameBytes = identical[c.id];
      results.push({
        id: c.id,
        measure: isGraphql
          ? 'req/s (vs bare node serving the same bytes), p99'
          : c.id === 'poll-304'
            ? 'req/s vs bare-node 304'
            : 'req/s vs bare node serving the same bytes',
        result: isGraphql
          ? `${fmt.int(cmp.subjectRps)} req/s = ${fmt.ratio(cmp.ratio)}; p99 ${fmt.ms(subjectP99)}`
          : `${fmt.int(cmp.subjectRps)} req/s = ${fmt.ratio(cmp.ratio)}`,
        baseline:
          `${fmt.int(cmp.baselineRps)} req/s${isGraphql ? `; p99 ${fmt.ms(baselineP99)}` : ''}` +
          (sameBytes ? '' : ' (NOT the same bytes: see latest.json)'),
        target: isGraphql ? 'report' : '>= 0.5x',
        status: isGraphql ? 'reported' : cmp.ratio >= 0.5 ? 'met' : 'missed',
        cpu: cpuSummary(cmp),
        ratio: cmp.ratio,
        roundRatios: cmp.subject.map(
          (r, i) => r.load.requestsPerSecond / (cmp.baseline[i]?.load.requestsPerSecond ?? Number.NaN),
        ),
        profile: [
          {
            pid: service.pid,
            windows: cmp.subject.map((r): [number, number] => [
              r.load.monotonicUs.start,
              r.load.monotonicUs.end,
            ]),
          },
        ],
        // Request latency goes on the chart for the GraphQL query only (its p99 is asked for); a poll is
        // answered well within autocannon's 1 ms resolution.
        ...(isGraphql && {
          latency: {
            p50: subjectP50,
            p99: subjectP99,
            max: subjectMax,
            n: sum(cmp.subject, (r) => r.load.requests),
          },
        }),
        details: {
          requestLatencyMs: { p50: subjectP50, p99: subjectP99, max: subjectMax, baselineP99 },
          responseBytes: wire(c.id === 'poll-304' ? notModified : c.id === 'poll-200' ? ok : graphql),
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

    const requestOk = Buffer.byteLength(requestText(service.port, 'GET', LIST_PATH));
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
async function compare(
  options: BenchOptions,
  requests: LoadOptions['requests'],
  expect: string,
  baseline: { port: number; pid: number },
  subject: { port: number; pid: number },
): Promise<Comparison> {
  const run = async (target: { port: number; pid: number }, durationSeconds: number): Promise<Run> => {
    const cpu = measureCpu(target.pid);
    const load = await runLoad({
      url: `http://127.0.0.1:${target.port}`,
      connections: options.connections,
      durationSeconds,
      requests,
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
async function startBare(
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

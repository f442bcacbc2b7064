// sse-fanout / subscription-fanout and memory-sse / memory-subscription: N listeners spread over a few
// listener processes, then flag changes written one at a time by this process. Measured twice, the same
// way: against a bare node:http fan-out (bench/baseline/bare-fanout.ts: the floor on this machine), then
// against the service seeded with the flags. Latency: from just before the write request is sent to the
// moment each listener has parsed the event, on a clock all processes share
// (performance.timeOrigin + performance.now()).
import { sharedNow } from '../loadgen/protocol.js';
import { startServerChild } from '../support/child.js';
import { ListenerFleet } from '../support/listener-fleet.js';
import { log, sleep } from '../support/log.js';
import type { BenchOptions } from '../support/options.js';
import { type CpuUse, measureCpu, processRssBytes } from '../support/proc.js';
import { fmt, type ScenarioResult } from '../support/results.js';
import { betaKeys, PREFIX, postFlag, seedFlags } from '../support/seed.js';
import { startServiceProcess } from '../support/service-process.js';
import { summarize } from '../support/stats.js';

/** How long a change may take to reach every listener before the next one is written anyway. */
const DELIVERY_TIMEOUT_MS = 10_000;
/** Pause between one change being delivered everywhere and the next write. */
const GAP_MS = 100;
/** Quiet time before each RSS reading (shorter with --quick, where the memory figure is only a smoke test). */
const settleMs = (options: BenchOptions) => (options.quick ? 1000 : 5000);

export interface FanoutResults {
  latency: ScenarioResult;
  memory: ScenarioResult;
}

interface Target {
  url: string;
  pid: number;
}

/** One fan-out measurement against one server. */
interface Measurement {
  live: number;
  failedToConnect: number;
  listenerProcesses: number;
  connectSeconds: number;
  warmupChanges: number;
  expectedDeliveries: number;
  delivered: number;
  lost: number;
  dropped: number;
  duplicates: number;
  changesNotFullyDeliveredWithin10s: number;
  latencyMs: ReturnType<typeof summarize>;
  /** Every delivery's latency (pooled over rounds; left out of the results file). */
  latencies: number[];
  perChange: { revision: number; min: number; p50: number; p99: number; max: number; delivered: number }[];
  rssIdleBytes: number;
  rssConnectedBytes: number;
  bytesPerConnection: number;
  serverCpu: { connect: CpuUse; changes: CpuUse };
  listenerCpu: { connect: CpuUse[]; changes: CpuUse[] };
  /** CLOCK_MONOTONIC µs, the clock of a --cpu-prof profile: `bench/profile-summary.ts --from --to`. */
  phaseMonotonicUs: { changesStart: number; changesEnd: number };
}

export async function runFanout(options: BenchOptions, kind: 'sse' | 'ws'): Promise<FanoutResults> {
  const sse = kind === 'sse';
  const name = sse ? 'sse-fanout' : 'subscription-fanout';
  const total = sse ? options.clients : options.subscribers;
  const targetP99 = sse ? 250 : 500;
  const keys = betaKeys(options.flags);
  const settle = settleMs(options);

  // Baseline and service alternate, round after round, so that a slower moment of the machine
  // weighs on both sides; the ratio is the median of the rounds' p99 ratios.
  const bare = await startServerChild<{ port: number }>('bench/baseline/bare-fanout.ts', []);
  const bareTarget = { url: `http://127.0.0.1:${bare.info.port}`, pid: bare.pid };
  const baselines: Measurement[] = [];
  const subjects: Measurement[] = [];
  let servicePid = 0;
  try {
    const service = await startServiceProcess({}, { nodeArgs: options.serverNodeArgs });
    servicePid = service.pid;
    try {
      log(`${name}: seeding ${options.flags} flags`);
      await seedFlags(service.url, options.flags);
      for (let round = 1; round <= options.fanoutRounds; round++) {
        log(`${name}: round ${round}/${options.fanoutRounds}, baseline (bare node:http fan-out)`);
        baselines.push(await measure(options, kind, bareTarget, keys));
        log(`${name}: round ${round}/${options.fanoutRounds}, the service`);
        subjects.push(await measure(options, kind, service, keys));
      }
    } finally {
      await service.stop();
    }
  } finally {
    await bare.stop();
  }
  // Memory from the first round: later rounds start from an RSS the earlier connections left behind.
  const [subject, baseline] = [subjects[0], baselines[0]] as [Measurement, Measurement];
  const pooled = (ms: readonly Measurement[]) => summarize(ms.flatMap((m) => m.latencies));
  const lostOf = (ms: readonly Measurement[]) => ms.reduce((sum, m) => sum + m.lost, 0);
  const expectedOf = (ms: readonly Measurement[]) => ms.reduce((sum, m) => sum + m.expectedDeliveries, 0);
  const roundRatios = subjects.map((m, i) => m.latencyMs.p99 / (baselines[i]?.latencyMs.p99 ?? Number.NaN));
  const p99Ratio = median(roundRatios);
  const s = pooled(subjects);
  const b = pooled(baselines);
  const lost = lostOf(subjects);
  const what = sse ? 'SSE connections' : 'subscriptions';
  const deliveries = `${fmt.int(total)} x ${options.changes} deliveries x ${subjects.length} rounds`;
  return {
    latency: {
      id: name,
      measure: `delivery latency p50/p99/max over ${deliveries}; events lost; p99 vs bare (median of the rounds)`,
      result: `p50 ${fmt.ms(s.p50)}, p99 ${fmt.ms(s.p99)}, max ${fmt.ms(s.max)}; lost ${fmt.int(lost)} of ${fmt.int(expectedOf(subjects))}; p99 ${p99Ratio.toFixed(2)}x bare (rounds ${roundRatios.map((r) => `${r.toFixed(2)}x`).join(', ')})`,
      baseline: `bare node fan-out: p50 ${fmt.ms(b.p50)}, p99 ${fmt.ms(b.p99)}, max ${fmt.ms(b.max)}; lost ${fmt.int(lostOf(baselines))}`,
      target: `p99 <= ${targetP99} ms and <= 1.2x bare, 0 lost`,
      status: s.p99 <= targetP99 && p99Ratio <= 1.2 && lost === 0 ? 'met' : 'missed',
      cpu:
        `server ${fmt.cores(combine(subjects.map((m) => m.serverCpu.changes)))} / ${subject.listenerProcesses} listener processes ` +
        `${combine(subjects.flatMap((m) => m.listenerCpu.changes)).cores.toFixed(2)}; bare: server ${fmt.cores(combine(baselines.map((m) => m.serverCpu.changes)))} (change phase)`,
      latency: { p50: s.p50, p99: s.p99, max: s.max, n: s.n, targetP99, baselineP99: b.p99 },
      profile: [
        {
          pid: servicePid,
          windows: subjects.map((m) => [m.phaseMonotonicUs.changesStart, m.phaseMonotonicUs.changesEnd]),
        },
      ],
      details: {
        pacing: `one change at a time: the next is written ${GAP_MS} ms after the previous reached every listener (or after ${DELIVERY_TIMEOUT_MS} ms)`,
        p99RatioByRound: roundRatios,
        subjects: subjects.map(withoutBulk),
        baselines: baselines.map(withoutBulk),
      },
    },
    memory: {
      id: sse ? 'memory-sse' : 'memory-subscription',
      measure: `server RSS delta / N idle ${what}`,
      result: `${fmt.kb(subject.bytesPerConnection)} each (${fmt.int(subject.live)} live; RSS ${mib(subject.rssIdleBytes)} -> ${mib(subject.rssConnectedBytes)})`,
      baseline: `bare node: ${fmt.kb(baseline.bytesPerConnection)} each`,
      target: '<= 20 KB',
      status: subject.bytesPerConnection <= 20 * 1024 ? 'met' : 'missed',
      memoryKb: { subject: subject.bytesPerConnection / 1024, baseline: baseline.bytesPerConnection / 1024 },
      cpu: `server ${fmt.cores(subject.serverCpu.connect)} while connecting (${subject.connectSeconds.toFixed(1)} s)`,
      details: {
        subject: rssOf(subject),
        baseline: rssOf(baseline),
        note: sse
          ? `RSS (median of 5 readings) after seeding and ${settle} ms, then after every client read its snapshot and ${settle} ms; no forced GC`
          : `RSS (median of 5 readings) after seeding and ${settle} ms, then after every subscriber received a warm-up change and ${settle} ms; no forced GC`,
      },
    },
  };
}

async function measure(
  options: BenchOptions,
  kind: 'sse' | 'ws',
  target: Target,
  keys: string[],
): Promise<Measurement> {
  const sse = kind === 'sse';
  const total = sse ? options.clients : options.subscribers;
  const label = sse ? 'SSE clients' : 'graphql-ws subscribers';
  await sleep(settleMs(options));
  const rssIdle = await steadyRss(target.pid);

  log(`  connecting ${fmt.int(total)} ${label}`);
  const connectCpu = measureCpu(target.pid);
  const connectStarted = performance.now();
  let lastLog = performance.now();
  const fleet = await ListenerFleet.start({
    kind,
    url: target.url,
    prefix: PREFIX,
    total,
    perProcess: options.perProcess,
    concurrency: 100,
    connectTimeoutMs: 300_000,
    onProgress: (live, failedCount) => {
      if (performance.now() - lastLog < 5000) return;
      lastLog = performance.now();
      log(`  ${fmt.int(live)} live, ${failedCount} failed`);
    },
  });
  try {
    const connectSeconds = (performance.now() - connectStarted) / 1000;
    let write = 0;
    const change = async () => {
      const key = keys[write % keys.length] ?? `${PREFIX}.bench`;
      const sentAt = sharedNow();
      const revision = await postFlag(target.url, { key, description: `bench change ${write++}` });
      return { revision, sentAt };
    };

    // graphql-ws has no "subscribed" acknowledgement: a subscriber is live once it has an event. Write
    // warm-up changes until one of them has reached every subscriber (SSE: the snapshot proves it).
    let warmups = 0;
    if (!sse) {
      for (;;) {
        const { revision } = await change();
        warmups++;
        if (await fleet.waitDelivered(revision, 2000)) break;
        if (warmups >= 30) throw new Error(`subscribers not all live after ${warmups} warm-up changes`);
      }
    }
    const connectServerCpu = connectCpu.stop();
    await sleep(settleMs(options));
    const rssConnected = await steadyRss(target.pid);
    const live = fleet.live;
    await fleet.report(); // resets the listeners' CPU accounting to the change phase

    log(`  ${options.changes} changes to ${fmt.int(live)} ${label}`);
    const changeCpu = measureCpu(target.pid);
    const changesStart = Number(process.hrtime.bigint() / 1000n);
    const sent = new Map<number, number>();
    let timedOut = 0;
    for (let i = 0; i < options.changes; i++) {
      const { revision, sentAt } = await change();
      sent.set(revision, sentAt);
      if (!(await fleet.waitDelivered(revision, DELIVERY_TIMEOUT_MS))) timedOut++;
      await sleep(GAP_MS);
    }
    const changeServerCpu = changeCpu.stop();
    const changesEnd = Number(process.hrtime.bigint() / 1000n);
    const reports = await fleet.report();

    const latencies: number[] = [];
    const perChange: Measurement['perChange'] = [];
    let delivered = 0;
    for (const [revision, sentAt] of sent) {
      const these: number[] = [];
      for (const report of reports)
        for (const at of report.receipts[String(revision)] ?? []) these.push(at - sentAt);
      delivered += these.length;
      latencies.push(...these);
      const s = summarize(these);
      perChange.push({
        revision,
        min: Math.min(...these),
        p50: s.p50,
        p99: s.p99,
        max: s.max,
        delivered: these.length,
      });
    }
    const expected = total * options.changes;
    return {
      live,
      failedToConnect: fleet.failed,
      listenerProcesses: fleet.processes,
      connectSeconds,
      warmupChanges: warmups,
      expectedDeliveries: expected,
      delivered,
      lost: expected - delivered,
      dropped: reports.reduce((sum, r) => sum + r.dropped, 0),
      duplicates: reports.reduce((sum, r) => sum + r.duplicates, 0),
      changesNotFullyDeliveredWithin10s: timedOut,
      latencyMs: summarize(latencies),
      latencies,
      perChange,
      rssIdleBytes: rssIdle,
      rssConnectedBytes: rssConnected,
      bytesPerConnection: (rssConnected - rssIdle) / Math.max(1, live),
      serverCpu: { connect: connectServerCpu, changes: changeServerCpu },
      listenerCpu: { connect: fleet.connectCpu, changes: reports.map((r) => r.cpu) },
      phaseMonotonicUs: { changesStart, changesEnd },
    };
  } finally {
    await fleet.close();
  }
}

/** The median of a few RSS readings a moment apart. */
async function steadyRss(pid: number): Promise<number> {
  const readings: number[] = [];
  for (let i = 0; i < 5; i++) {
    readings.push(processRssBytes(pid));
    await sleep(200);
  }
  return readings.sort((a, b) => a - b)[2] ?? Number.NaN;
}

function combine(cpus: readonly CpuUse[]): CpuUse {
  const cpuMs = cpus.reduce((sum, c) => sum + c.cpuMs, 0);
  const wallMs = Math.max(0, ...cpus.map((c) => c.wallMs));
  return { cpuMs, wallMs, cores: wallMs > 0 ? cpuMs / wallMs : 0 };
}

const mib = (bytes: number) => `${fmt.int(bytes / 2 ** 20)} MiB`;

/** A measurement without its RSS figures (the memory result has them) and raw latencies. */
function withoutBulk(m: Measurement) {
  const { rssIdleBytes: _a, rssConnectedBytes: _b, bytesPerConnection: _c, latencies: _d, ...rest } = m;
  return rest;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
}

function rssOf(m: Measurement) {
  return {
    live: m.live,
    rssIdleBytes: m.rssIdleBytes,
    rssConnectedBytes: m.rssConnectedBytes,
    deltaBytes: m.rssConnectedBytes - m.rssIdleBytes,
    bytesPerConnection: m.bytesPerConnection,
  };
}

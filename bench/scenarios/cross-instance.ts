// cross-instance: 2 service processes sharing one store (MongoDB, or the jongodb stand-in) and a
// private redis-server. Changes are written on A one at a time; SSE and graphql-ws clients on B (and,
// for comparison, on A) time their arrival. Light load: each change is awaited everywhere first.

import { fromLegacyFlag } from '@flagwire/core';
import { Redis } from 'ioredis';
import { MongoFlagStore } from '../../src/flags/store/mongo-store.js';
import { asUpdate } from '../../test/support/audit.js';
import { openSse, subscribeFlagChanged } from '../../test/support/listeners.js';
import { startMongo } from '../../test/support/mongo.js';
import { startRedis } from '../../test/support/redis.js';
import { log } from '../support/log.js';
import { counterDeltas, scrapeCounters } from '../support/metrics.js';
import { measureCpu } from '../support/proc.js';
import { fmt, type ScenarioResult } from '../support/results.js';
import { betaKeys, PREFIX, postFlag, seedFlags } from '../support/seed.js';
import { startServiceProcess } from '../support/service-process.js';
import { summarize } from '../support/stats.js';

const WARMUP_CHANGES = 20;

export interface CrossInstanceOptions {
  changes: number;
  flags: number;
  serverNodeArgs: string[];
}

export const CLIENTS = [
  'write acknowledged (POST response on A)',
  'sse on A (same instance)',
  'sse on B (other instance)',
  'subscription on A (same instance)',
  'subscription on B (other instance)',
] as const;
export type CrossClient = (typeof CLIENTS)[number];

export interface CrossInstanceRun {
  samples: Record<CrossClient, number[]>;
  store: string;
  cpu: { a: number; b: number };
  pids: { a: number; b: number };
  /** CLOCK_MONOTONIC µs around the measured changes. */
  window: [number, number];
  /** Single round trips from this process to the store and to Redis, for scale (ms). */
  roundTrips: {
    storeGet: ReturnType<typeof summarize>;
    storeUpdate: ReturnType<typeof summarize>;
    redisPing: ReturnType<typeof summarize>;
  };
  /** Events that were not the awaited change (older revisions, resync snapshots), per client. */
  extraEvents: Record<string, number>;
  /** How the service's own counters (/metrics) moved during the measured changes, where it has them. */
  counters: { a: Record<string, number> | null; b: Record<string, number> | null };
}

export async function measureCrossInstance(options: CrossInstanceOptions): Promise<CrossInstanceRun> {
  const [mongo, redis] = await Promise.all([startMongo(), startRedis()]);
  const env = { MONGODB_URI: mongo.uri, REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.keyPrefix() };
  const nodeArgs = { nodeArgs: options.serverNodeArgs };
  const services = await Promise.allSettled([
    startServiceProcess(env, nodeArgs),
    startServiceProcess(env, nodeArgs),
  ]);
  try {
    const [a, b] = services.map((s) => {
      if (s.status === 'rejected') throw s.reason;
      return s.value;
    });
    if (!a || !b) throw new Error('two service processes expected');
    log(`cross-instance: seeding ${options.flags} flags (store: ${mongo.kind})`);
    await seedFlags(a.url, options.flags);
    const keys = betaKeys(options.flags);

    const sse = {
      a: openSse(`${a.url}/feature-flags/stream?prefix=${PREFIX}`),
      b: openSse(`${b.url}/feature-flags/stream?prefix=${PREFIX}`),
    };
    await Promise.all([sse.a.next(10_000), sse.b.next(10_000)]); // the snapshots
    const subs = { a: subscribeFlagChanged(a.url, PREFIX), b: subscribeFlagChanged(b.url, PREFIX) };
    const write = (key: string, description: string) => postFlag(a.url, { key, description });
    // Events are matched to writes by revision, never by order: a resync can add a snapshot (SSE) or
    // replayed differences (subscriptions) to a client's stream.
    const clients: Record<Exclude<CrossClient, 'write acknowledged (POST response on A)'>, Arrival> = {
      'sse on A (same instance)': arrivals(
        () => sse.a.next(),
        (e) => Number(e.id),
      ),
      'sse on B (other instance)': arrivals(
        () => sse.b.next(),
        (e) => Number(e.id),
      ),
      'subscription on A (same instance)': arrivals(
        () => subs.a.next(),
        (e) => e.revision,
      ),
      'subscription on B (other instance)': arrivals(
        () => subs.b.next(),
        (e) => e.revision,
      ),
    };
    const everywhere = (revision: number) =>
      Promise.all(Object.values(clients).map((client) => client.reach(revision)));
    try {
      // No "subscribed" acknowledgement in graphql-ws: write until both subscriptions have delivered once.
      for (let i = 0; ; i++) {
        const revision = await write(`${PREFIX}.warmup`, `w${i}`);
        const live = await Promise.all(
          Object.values(clients).map((client) =>
            client.reach(revision, 1000).then(
              () => true,
              () => false,
            ),
          ),
        );
        if (live.every(Boolean)) break;
        if (i > 50) throw new Error('subscriptions never became live');
      }
      // Steady state: a few unmeasured changes first, awaited everywhere like the measured ones.
      for (let i = 0; i < WARMUP_CHANGES; i++)
        await everywhere(await write(keys[i % keys.length] ?? `${PREFIX}.bench`, `warm-up ${i}`));

      log(`cross-instance: ${options.changes} changes on A`);
      const samples = Object.fromEntries(CLIENTS.map((name) => [name, [] as number[]])) as unknown as Record<
        CrossClient,
        number[]
      >;
      const watched = ['flagwire_resyncs_total', 'flagwire_store_operations_total'];
      const countersBefore = await Promise.all([
        scrapeCounters(a.url, watched),
        scrapeCounters(b.url, watched),
      ]);
      const start = Number(process.hrtime.bigint() / 1000n);
      const cpuA = measureCpu(a.pid);
      const cpuB = measureCpu(b.pid);
      for (let i = 0; i < options.changes; i++) {
        const key = keys[i % keys.length] ?? `${PREFIX}.bench`;
        const sentAt = performance.now();
        const revision = await write(key, `bench change ${i}`);
        samples['write acknowledged (POST response on A)'].push(performance.now() - sentAt);
        const at = await everywhere(revision);
        Object.keys(clients).forEach((name, j) => {
          samples[name as CrossClient].push((at[j] ?? Number.NaN) - sentAt);
        });
      }
      const cpu = { a: cpuA.stop().cores, b: cpuB.stop().cores };
      const end = Number(process.hrtime.bigint() / 1000n);
      const countersAfter = await Promise.all([
        scrapeCounters(a.url, watched),
        scrapeCounters(b.url, watched),
      ]);
      const counters = {
        a: counterDeltas(countersBefore[0] ?? null, countersAfter[0] ?? null),
        b: counterDeltas(countersBefore[1] ?? null, countersAfter[1] ?? null),
      };
      const roundTrips = await measureRoundTrips(mongo.uri, redis.url, keys[0] ?? `${PREFIX}.bench`);
      return {
        roundTrips,
        samples,
        store: mongo.kind,
        cpu,
        pids: { a: a.pid, b: b.pid },
        window: [start, end],
        counters,
        extraEvents: Object.fromEntries(Object.entries(clients).map(([name, c]) => [name, c.skipped])),
      };
    } finally {
      sse.a.close();
      sse.b.close();
      await Promise.allSettled([subs.a.close(), subs.b.close()]);
    }
  } finally {
    await Promise.allSettled(services.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
    await Promise.allSettled([redis.stop(), mongo.stop()]);
  }
}

/** cross-instance-sse and cross-instance-subscription: the clients on B; target p99 <= 20 ms. */
export async function runCrossInstance(options: CrossInstanceOptions): Promise<ScenarioResult[]> {
  const run = await measureCrossInstance(options);
  const rows: [ScenarioResult['id'], CrossClient, CrossClient][] = [
    ['cross-instance-sse', 'sse on B (other instance)', 'sse on A (same instance)'],
    [
      'cross-instance-subscription',
      'subscription on B (other instance)',
      'subscription on A (same instance)',
    ],
  ];
  const ack = summarize(run.samples['write acknowledged (POST response on A)']);
  return rows.map(([id, other, same]) => {
    const s = summarize(run.samples[other]);
    const local = summarize(run.samples[same]);
    return {
      id,
      measure: `change on A, ${id.endsWith('sse') ? 'SSE client' : 'graphql-ws subscriber'} on B: latency p50/p99 (${options.changes} changes, one at a time)`,
      result: `p50 ${fmt.ms(s.p50)}, p99 ${fmt.ms(s.p99)}, max ${fmt.ms(s.max)}`,
      baseline:
        `same instance (A): p50 ${fmt.ms(local.p50)}, p99 ${fmt.ms(local.p99)}; POST answered: p50 ${fmt.ms(ack.p50)}, ` +
        `p99 ${fmt.ms(ack.p99)}; store.update alone: p50 ${fmt.ms(run.roundTrips.storeUpdate.p50)}, p99 ${fmt.ms(run.roundTrips.storeUpdate.p99)}`,
      target: 'p99 <= 20 ms',
      status: s.p99 <= 20 ? 'met' : 'missed',
      cpu: `servers A ${run.cpu.a.toFixed(2)} / B ${run.cpu.b.toFixed(2)} cores; clients in the runner`,
      latency: { p50: s.p50, p99: s.p99, max: s.max, n: s.n, targetP99: 20 },
      profile: [
        { pid: run.pids.a, label: 'A (takes the writes)', windows: [run.window] },
        { pid: run.pids.b, label: 'B (delivers to the clients)', windows: [run.window] },
      ],
      details: {
        store: run.store,
        bus: 'redis (private redis-server)',
        changes: options.changes,
        warmupChanges: WARMUP_CHANGES,
        roundTripsFromTheRunnerMs: run.roundTrips,
        serviceCountersDuringMeasurement: run.counters,
        extraEventsPerClient: run.extraEvents,
        latencyMs: Object.fromEntries(
          Object.entries(run.samples).map(([name, values]) => [name, summarize(values)]),
        ),
      },
    };
  });
}

/** One client's stream of events, consumed in order, awaited by revision. */
interface Arrival {
  /**
   * When the client parsed the event of `revision` (performance.now()), or of a later one that
   * includes it (an SSE snapshot after a resync); earlier events are skipped.
   */
  reach(revision: number, timeoutMs?: number): Promise<number>;
  /** Events skipped so far. */
  readonly skipped: number;
}

function arrivals<E extends { receivedAt: number }>(
  next: (timeoutMs?: number) => Promise<E>,
  revisionOf: (event: E) => number,
): Arrival {
  let skipped = 0;
  const pending: E[] = [];
  return {
    get skipped() {
      return skipped;
    },
    async reach(revision, timeoutMs = 5000) {
      for (;;) {
        const event = pending.shift() ?? (await next(timeoutMs));
        const seen = revisionOf(event);
        if (seen === revision) return event.receivedAt;
        if (seen > revision) {
          // A later revision: the awaited one was folded into it, or it was lost. Keep it for later.
          pending.unshift(event);
          return event.receivedAt;
        }
        skipped++;
      }
    },
  };
}

/** Store reads, store updates and Redis PINGs (200 each) from this process, after the measurement. */
async function measureRoundTrips(mongoUri: string, redisUrl: string, key: string) {
  const store = await MongoFlagStore.open(mongoUri);
  const redis = new Redis(redisUrl);
  try {
    const time = async (operation: () => Promise<unknown>) => {
      const samples: number[] = [];
      for (let i = 0; i < 220; i++) {
        const t0 = performance.now();
        await operation();
        if (i >= 20) samples.push(performance.now() - t0);
      }
      return summarize(samples);
    };
    const storeGet = await time(() => store.get(key));
    // What FlagService.upsert asks of the store after its read: take a revision, write the flag.
    let version = (await store.get(key))?.version ?? 1;
    const storeUpdate = await time(async () => {
      const definition = fromLegacyFlag({ key, isEnabled: version % 2 === 0, description: `rt ${version}` });
      const result = await store.update(key, version, { kind: 'flag', definition }, asUpdate);
      if (result.status === 'ok') version++;
    });
    return { storeGet, storeUpdate, redisPing: await time(() => redis.ping()) };
  } finally {
    redis.disconnect();
    await store.close();
  }
}

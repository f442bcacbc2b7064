// Change-to-delivery latency for SSE and GraphQL subscriptions, on the instance that took the write
// and on another instance (2 service processes sharing one store and one Redis). Light load: one write
// at a time, each waited for on every client before the next.
//   npx tsx bench/delivery-latency.ts [--changes 200]
import { cpus } from 'node:os';
import { openSse, subscribeFlagChanged } from '../test/support/listeners.js';
import { startMongo } from '../test/support/mongo.js';
import { startRedis } from '../test/support/redis.js';
import { startServiceProcess } from './support/service-process.js';
import { round, summarize } from './support/stats.js';

const changes = Number(process.argv[process.argv.indexOf('--changes') + 1] || 200);

const [mongo, redis] = await Promise.all([startMongo(), startRedis()]);
const env = { MONGODB_URI: mongo.uri, REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.keyPrefix() };
const a = await startServiceProcess(env);
const b = await startServiceProcess(env);
try {
  const clients = {
    'sse, same instance': openSse(`${a.url}/feature-flags/stream?prefix=lat`),
    'sse, other instance': openSse(`${b.url}/feature-flags/stream?prefix=lat`),
  };
  for (const sse of Object.values(clients)) await sse.next(); // the snapshot
  const subs = {
    'subscription, same instance': subscribeFlagChanged(a.url, 'lat'),
    'subscription, other instance': subscribeFlagChanged(b.url, 'lat'),
  };
  // No "subscribed" acknowledgement in graphql-ws: write until both subscriptions have delivered once.
  const warm = async () => {
    for (let i = 0; ; i++) {
      await post(a.url, { key: 'lat.warmup', description: `w${i}` });
      for (const sse of Object.values(clients)) await sse.next();
      const got = await Promise.all(
        Object.values(subs).map((s) =>
          s.next(200).then(
            () => true,
            () => false,
          ),
        ),
      );
      if (got.every(Boolean)) return;
      if (i > 50) throw new Error('subscriptions never became live');
    }
  };
  await warm();

  const samples: Record<string, number[]> = Object.fromEntries(
    ['write acknowledged (POST response)', ...Object.keys(clients), ...Object.keys(subs)].map((name) => [
      name,
      [],
    ]),
  );
  for (let i = 0; i < changes; i++) {
    const sentAt = performance.now();
    const write = post(a.url, { key: `lat.k${i % 10}`, isEnabled: i % 2 === 0 }).then(() =>
      performance.now(),
    );
    const arrivals = await Promise.all([
      ...Object.entries(clients).map(async ([name, c]) => [name, (await c.next()).receivedAt] as const),
      ...Object.entries(subs).map(async ([name, s]) => [name, (await s.next()).receivedAt] as const),
    ]);
    samples['write acknowledged (POST response)']?.push((await write) - sentAt);
    for (const [name, at] of arrivals) samples[name]?.push(at - sentAt);
  }
  for (const sse of Object.values(clients)) sse.close();
  await Promise.all(Object.values(subs).map((s) => s.close()));

  process.stdout.write(
    `delivery latency, ${changes} changes, ms from just before the write request to the parsed event\n` +
      `machine: ${cpus().length} cores, node ${process.version}; store: ${mongo.kind}; 2 service processes + Redis\n\n` +
      '| client | p50 | p99 | max |\n| --- | --- | --- | --- |\n',
  );
  for (const [name, values] of Object.entries(samples)) {
    const s = summarize(values);
    process.stdout.write(`| ${name} | ${round(s.p50)} | ${round(s.p99)} | ${round(s.max)} |\n`);
  }
} finally {
  await Promise.allSettled([a.stop(), b.stop()]);
  await Promise.allSettled([redis.stop(), mongo.stop()]);
}

async function post(url: string, body: unknown): Promise<void> {
  const res = await fetch(`${url}/feature-flags`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST answered ${res.status}: ${await res.text()}`);
}

import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { client, startTestApp } from '../support/app.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { itWhen } from '../support/skip.js';
import { EVERY_STORE } from '../support/store-kinds.js';
import { TestReceiver, verifyFlagwireSignature } from '../support/webhook-receiver.js';
import { auditHistory, metric, WEBHOOK_SECRET, webhookEnv, writeFlag } from '../support/webhooks.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

describe.each(EVERY_STORE())('webhooks over $name', (kind) => {
  let redis: TestRedis;
  let receiver: TestReceiver;
  let app: TestApp | undefined;
  /** The newest revision when the app started (a MongoDB database outlives each test). */
  let baseline = 0;
  /** Each test delivers to an endpoint of its own (a MongoDB database keeps cursors across tests). */
  let endpoints = 0;
  let endpoint = '';
  const series = (name: string, labels = '') => `${name}{endpoint="${endpoint}"${labels}}`;

  const start = async (extra: Record<string, string> = {}, dataDir?: string) => {
    const { env, overrides } = await kind.setup();
    app = await startTestApp(
      {
        ...env,
        ...webhookEnv(receiver.url, endpoint),
        ...(dataDir ? { DATA_DIR: dataDir } : {}),
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: redis.keyPrefix(),
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        ...extra,
      },
      overrides,
    );
    baseline = (await auditHistory(app)).entries.at(-1)?.revision ?? 0;
    return app;
  };
  /** Waits until the receiver acknowledged every entry the app's history holds after `after`. */
  const everythingDelivered = async (running: TestApp, after = baseline, timeoutMs = 15_000) => {
    const { entries } = await auditHistory(running);
    const wanted = entries.map((entry) => entry.revision).filter((revision) => revision > after);
    await receiver.waitFor(
      () => wanted.every((revision) => receiver.acknowledgedRevisions().includes(revision)),
      `revisions ${wanted.join(',')}`,
      timeoutMs,
    );
    return entries.filter((entry) => entry.revision > after);
  };

  beforeAll(async () => {
    redis = await startRedis();
  });
  beforeEach(async () => {
    receiver = await TestReceiver.start();
    endpoint = `hook-${++endpoints}`;
  });
  afterEach(async () => {
    await app?.stop();
    await app?.removeDataDir();
    app = undefined;
    await receiver.stop();
  });
  afterAll(async () => {
    await redis?.stop();
    await kind.stop();
  });

  it('signs every delivery: the signature verifies with the secret, and fails for a tampered body or another secret', async () => {
    const running = await start();
    await writeFlag(running, 'signed', true);
    await receiver.waitFor(() => receiver.acknowledgedRevisions().length === 1, 'one delivery');
    const [arrival] = receiver.arrivals;
    if (!arrival) throw new Error('nothing arrived');
    const signature = arrival.headers['flagwire-signature'] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyFlagwireSignature(WEBHOOK_SECRET, signature, arrival.body)).toBe(true);
    expect(
      verifyFlagwireSignature(WEBHOOK_SECRET, signature, arrival.body.replace('"signed"', '"signet"')),
    ).toBe(false);
    expect(verifyFlagwireSignature('whsec_another_secret_000000', signature, arrival.body)).toBe(false);
    // The entry as GET /audit serves it, with its idempotency key in two headers.
    const entry = (await auditHistory(running)).entries.at(-1);
    expect(arrival.event).toEqual({
      type: 'audit-entry',
      id: arrival.event.id,
      revision: entry?.revision,
      entry,
    });
    expect(arrival.headers['flagwire-delivery-id']).toBe(arrival.event.id);
    expect(arrival.headers['idempotency-key']).toBe(arrival.event.id);
    expect(arrival.headers['flagwire-event']).toBe('audit-entry');
    expect(arrival.headers['content-type']).toBe('application/json');
  });

  it('delivers every entry in revision order, once while the receiver answers 2xx', async () => {
    const running = await start();
    receiver.behave(() => ({ status: 200, delayMs: Math.floor(Math.random() * 15) }));
    // Sequential and concurrent writes alike.
    for (let i = 0; i < 10; i++) await writeFlag(running, `order.${i % 4}`, i % 2 === 0);
    await Promise.all(Array.from({ length: 10 }, (_, i) => writeFlag(running, `burst.${i}`, true)));
    const entries = await everythingDelivered(running);
    expect(entries).toHaveLength(20);
    expect(receiver.maxInFlight).toBe(1);
    expect(receiver.acknowledgedRevisions()).toEqual(entries.map((entry) => entry.revision));
    expect(receiver.arrivals.map((a) => a.event.entry)).toEqual(entries);
    expect(await metric(running, series('flagwire_webhook_deliveries_total'))).toBe(20);
    // The cursor moves right after each answer: the lag reaches 0 then.
    let lag = await metric(running, series('flagwire_webhook_lag_revisions'));
    while (lag > 0) lag = await metric(running, series('flagwire_webhook_lag_revisions'));
    expect(await metric(running, series('flagwire_webhook_lease_held'))).toBe(1);
  });

  it('delivers again, with the same idempotency key, an entry whose answer never came back (at least once)', async () => {
    const running = await start();
    // The receiver reads the first attempt of every other entry and then cuts the connection.
    const seen = new Set<string>();
    receiver.behave((arrival) => {
      const first = !seen.has(arrival.event.id);
      seen.add(arrival.event.id);
      return first && (arrival.event.revision ?? 0) % 2 === 0 ? 'drop' : { status: 200 };
    });
    for (let i = 0; i < 6; i++) await writeFlag(running, `again.${i}`, true);
    const entries = await everythingDelivered(running);
    const revisions = entries.map((entry) => entry.revision);
    expect(receiver.acknowledgedRevisions()).toEqual(revisions);
    const dropped = receiver.arrivals.filter((a) => a.status === 'dropped');
    expect(dropped.length).toBe(revisions.filter((r) => r % 2 === 0).length);
    for (const drop of dropped) {
      const retry = receiver.arrivals.find((a) => a.event.id === drop.event.id && a.status === 200);
      expect(retry?.headers['idempotency-key']).toBe(drop.headers['idempotency-key']);
      expect(Number(retry?.headers['flagwire-attempt'])).toBe(Number(drop.headers['flagwire-attempt']) + 1);
    }
    // Every arrival, retries included, in revision order: nothing overtakes an entry not yet delivered.
    const arrivalOrder = receiver.arrivals.map((a) => a.event.revision as number);
    expect(arrivalOrder).toEqual([...arrivalOrder].sort((a, b) => a - b));
  });

  it('gives a receiver that was down for a long while (503s, then refused connections) everything when it returns, in order', async () => {
    const running = await start();
    receiver.behave(() => ({ status: 503, headers: { 'retry-after': '0' } }));
    await writeFlag(running, 'outage.0', true);
    await receiver.waitFor(() => receiver.arrivals.length >= 5, 'five refused attempts');
    await receiver.refuse();
    for (let i = 1; i < 12; i++) await writeFlag(running, `outage.${i}`, i % 3 === 0);
    const failed = () =>
      metric(running, series('flagwire_webhook_failed_attempts_total', ',reason="network"'));
    // Attempts go on against a closed port (the counter says so), and writes are not held up.
    let refusedAttempts = 0;
    while (refusedAttempts < 10) refusedAttempts = await failed();
    expect(
      await metric(running, series('flagwire_webhook_failed_attempts_total', ',reason="status"')),
    ).toBeGreaterThanOrEqual(5);
    expect(await metric(running, series('flagwire_webhook_lag_revisions'))).toBeGreaterThanOrEqual(11);
    // Back, answering each request after a random few milliseconds: concurrent requests would overtake.
    receiver.behave(() => ({ status: 200, delayMs: Math.floor(Math.random() * 15) }));
    await receiver.accept();
    const entries = await everythingDelivered(running);
    expect(entries).toHaveLength(12);
    expect(receiver.maxInFlight).toBe(1);
    expect(receiver.distinctAcknowledged()).toEqual(entries.map((entry) => entry.revision));
    expect(receiver.acknowledgedRevisions()).toEqual(entries.map((entry) => entry.revision));
    // Every attempt of the first entry carried the same key, and a fresh signature that verifies.
    const firstKey = receiver.arrivals[0]?.event.id;
    const attempts = receiver.arrivals.filter((a) => a.event.id === firstKey);
    expect(attempts.length).toBeGreaterThanOrEqual(6);
    for (const attempt of attempts)
      expect(
        verifyFlagwireSignature(
          WEBHOOK_SECRET,
          attempt.headers['flagwire-signature'] as string,
          attempt.body,
        ),
      ).toBe(true);
  });

  it('never slows writes for a receiver that answers after seconds', async () => {
    const latencies = async (running: TestApp, prefix: string) => {
      const out: number[] = [];
      for (let i = 0; i < 12; i++) {
        const started = performance.now();
        await writeFlag(running, `${prefix}.${i}`, true);
        out.push(performance.now() - started);
      }
      return out.sort((a, b) => a - b);
    };
    const running = await start();
    await latencies(running, 'warm');
    await everythingDelivered(running);
    const fast = await latencies(running, 'fast');
    await everythingDelivered(running);
    receiver.behave(() => ({ status: 200, delayMs: 2000 }));
    const slow = await latencies(running, 'slow');
    // The first slow answer is still pending while all twelve writes are done.
    expect(receiver.arrivals.filter((a) => a.status === 'pending')).toHaveLength(1);
    const median = (values: number[]) => values[Math.floor(values.length / 2)] as number;
    process.stderr.write(
      `webhooks over ${kind.name}: write latency with a fast receiver p50 ${median(fast).toFixed(1)} ms max ${fast.at(-1)?.toFixed(1)} ms; ` +
        `with a receiver answering after 2 s p50 ${median(slow).toFixed(1)} ms max ${slow.at(-1)?.toFixed(1)} ms\n`,
    );
    expect(slow.at(-1)).toBeLessThan(1000);
    expect(median(slow)).toBeLessThan(median(fast) * 3 + 25);
  });

  it('sends an entries-purged event in place of entries retention purged before delivery, never skipping silently', async () => {
    const running = await start({ AUDIT_RETENTION_COUNT: '3' });
    receiver.behave(() => ({ status: 500 }));
    await writeFlag(running, 'kept.0', true);
    await receiver.waitFor(() => receiver.arrivals.length >= 1, 'the first attempt');
    for (let i = 1; i <= 8; i++) await writeFlag(running, `gone.${i}`, true);
    // Retention runs shortly after writes: wait until it has cut the history to three entries.
    let history = await auditHistory(running);
    while (history.entries.length > 3) history = await auditHistory(running);
    const first = receiver.arrivals[0]?.event.revision as number;
    const oldestKept = history.entries[0]?.revision as number;
    receiver.behave(() => ({ status: 200 }));
    await receiver.waitFor(
      () => receiver.acknowledgedRevisions().includes(history.entries.at(-1)?.revision as number),
      'the newest entry',
    );
    const answered = receiver.arrivals.filter((a) => a.status === 200).map((a) => a.event);
    expect(answered[0]?.revision).toBe(first);
    expect(answered[1]).toMatchObject({
      type: 'entries-purged',
      fromRevision: first + 1,
      throughRevision: oldestKept - 1,
    });
    expect(answered.slice(2).map((event) => event.revision)).toEqual(history.entries.map((e) => e.revision));
    expect(await metric(running, series('flagwire_webhook_purged_revisions_total'))).toBe(
      oldestKept - 1 - first,
    );
  });

  itWhen(kind.name !== 'the memory store', 'the memory store keeps nothing across a restart')(
    'starts a new endpoint after the current revision, and a restarted one where it left off',
    async () => {
      let running = await start();
      const before = baseline;
      const dataDir = running.dataDir;
      await writeFlag(running, 'before-restart', true);
      await everythingDelivered(running);
      await running.stop();
      // Written while no instance delivers (an instance without webhooks, as during a rolling restart).
      const { env, overrides } = await kind.setup();
      const other = await startTestApp(
        { ...env, DATA_DIR: dataDir, REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.keyPrefix() },
        overrides,
      );
      await writeFlag(other, 'while-down', true);
      await other.stop();
      running = await start({}, dataDir);
      await writeFlag(running, 'after-restart', true);
      const entries = await everythingDelivered(running, before);
      expect(receiver.acknowledgedRevisions()).toEqual(entries.map((e) => e.revision));
      expect(receiver.arrivals.map((a) => a.event.entry?.key)).toEqual([
        'before-restart',
        'while-down',
        'after-restart',
      ]);
      // Another endpoint configured now starts after the current revision.
      const late = await TestReceiver.start();
      try {
        await running.stop();
        running = await start(
          {
            WEBHOOKS: `${endpoint} ${receiver.url} ${WEBHOOK_SECRET}, late-${endpoint} ${late.url} ${WEBHOOK_SECRET}`,
          },
          dataDir,
        );
        await writeFlag(running, 'for-both', true);
        await late.waitFor(() => late.acknowledgedRevisions().length === 1, 'the late endpoint');
        expect(late.arrivals.map((a) => a.event.entry?.key)).toEqual(['for-both']);
        await receiver.waitFor(() => receiver.acknowledgedRevisions().length === 4, 'the old endpoint');
      } finally {
        await late.stop();
      }
    },
  );
});

describe('webhook filters', () => {
  it('delivers only the entries an endpoint asks for, and moves past the others', async () => {
    const receiver = await TestReceiver.start();
    const app = await startTestApp({
      ...webhookEnv(receiver.url, 'checkout', 'prefix=checkout. actions=create|delete'),
    });
    try {
      await writeFlag(app, 'search.x', true);
      await writeFlag(app, 'checkout.a', true);
      await writeFlag(app, 'checkout.a', false);
      const removed = await client(app)('/feature-flags/checkout.a', { method: 'DELETE' });
      expect(removed.status).toBeLessThan(300);
      await writeFlag(app, 'checkout.b', true);
      await writeFlag(app, 'search.y', true);
      const { entries } = await auditHistory(app);
      const wanted = entries.filter(
        (e) => e.key.startsWith('checkout.') && ['create', 'delete'].includes(e.action),
      );
      await receiver.waitFor(
        () => receiver.acknowledgedRevisions().length === wanted.length,
        `${wanted.length} deliveries`,
      );
      expect(receiver.arrivals.map((a) => a.event.entry)).toEqual(wanted);
      const last = entries.at(-1)?.revision as number;
      // Past the entries left out too: nothing behind.
      let lag = await metric(app, 'flagwire_webhook_lag_revisions{endpoint="checkout"}');
      while (lag > 0) lag = await metric(app, 'flagwire_webhook_lag_revisions{endpoint="checkout"}');
      expect(last).toBeGreaterThan(wanted.at(-1)?.revision as number);
    } finally {
      await app.stop();
      await app.removeDataDir();
      await receiver.stop();
    }
  });
});

describe('webhook logs', () => {
  it('name the endpoint and the failure, never the secret nor the URL query', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const receiver = await TestReceiver.start();
    receiver.behave((_, index) => (index < 2 ? { status: 401 } : { status: 200 }));
    const app = await startTestApp(
      { ...webhookEnv(`${receiver.url}?key=query-secret-value`, 'logged'), LOG_LEVEL: 'debug' },
      { logger: pino({ level: 'debug' }, sink) },
    );
    try {
      await writeFlag(app, 'logged.flag', true);
      await receiver.waitFor(() => receiver.acknowledgedRevisions().length === 1, 'the delivery');
      const failures = lines.filter((line) => line.includes('webhook delivery failed'));
      expect(failures).toHaveLength(2);
      expect(JSON.parse(failures[0] as string)).toMatchObject({
        endpoint: 'logged',
        target: `http://127.0.0.1:${receiver.port}/hooks/flagwire`,
        status: 401,
        attempt: 1,
      });
      expect(lines.join('\n')).not.toContain(WEBHOOK_SECRET);
      expect(lines.join('\n')).not.toContain('query-secret-value');
    } finally {
      await app.stop();
      await app.removeDataDir();
      await receiver.stop();
    }
  });
});

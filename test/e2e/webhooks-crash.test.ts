import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startMongo, type TestMongo } from '../support/mongo.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { type ServiceProcess, startServiceProcess } from '../support/service-process.js';
import { TestReceiver } from '../support/webhook-receiver.js';
import { auditHistory, webhookEnv, writeFlag } from '../support/webhooks.js';

interface Store {
  readonly name: string;
  env(): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

function fileStore(): Store {
  let dir: string | undefined;
  return {
    name: 'the file store',
    env: async () => {
      dir ??= await mkdtemp(join(tmpdir(), 'flagwire-webhook-crash-'));
      return { DATA_DIR: dir };
    },
    stop: async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

function mongoStore(): Store {
  let mongo: TestMongo | undefined;
  return {
    name: 'MongoDB',
    env: async () => {
      mongo ??= await startMongo();
      return { MONGODB_URI: mongo.uri };
    },
    stop: async () => {
      await mongo?.stop();
    },
  };
}

const ROUNDS = 4;

describe.each([fileStore(), mongoStore()])('webhooks under kill -9 over $name', (store) => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
    await store.stop();
  });

  it('loses no entry when the service is killed mid-delivery and restarted on the same data; a redelivery carries the same idempotency key', async () => {
    const receiver = await TestReceiver.start();
    const env = {
      ...(await store.env()),
      ...webhookEnv(receiver.url, 'crash'),
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.keyPrefix(),
      // A killed instance's lease runs out soon, so its restart delivers again quickly (MongoDB).
      WEBHOOK_LEASE_MS: '1000',
    };
    const acknowledgedWrites: string[] = [];
    let service: ServiceProcess | undefined;
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        service = await startServiceProcess(env);
        const running = service;
        // Odd rounds: killed while the receiver holds a delivery it has read and not answered.
        // Even rounds: killed at a random moment of quick deliveries (between an answer and its record, too).
        const killAt = receiver.arrivals.length + 2 + round;
        const holding = round % 2 === 1;
        receiver.behave((_, index) =>
          holding && index === killAt ? 'hold' : { status: 200, delayMs: Math.floor(Math.random() * 8) },
        );
        let writing = true;
        const writer = (async () => {
          for (let n = 0; writing; n++) {
            const key = `crash.${round}.${n}`;
            try {
              await writeFlag(running, key, n % 2 === 0);
              acknowledgedWrites.push(key);
            } catch {
              return; // killed mid-write: the write may or may not have committed
            }
          }
        })();
        await receiver.waitFor(() => receiver.arrivals.length > killAt, `delivery ${killAt}`, 30_000);
        if (!holding) await new Promise((resolve) => setTimeout(resolve, Math.random() * 30));
        await running.kill();
        writing = false;
        await writer;
        // The held delivery was in flight when the process died: its connection goes with it.
        if (holding)
          await receiver.waitFor(
            () => receiver.arrivals[killAt]?.status === 'dropped',
            'the held connection to drop',
          );
      }
      // Back up once more, for good: everything the history holds reaches the receiver.
      service = await startServiceProcess(env);
      receiver.behave(() => ({ status: 200 }));
      await writeFlag(service, 'crash.final', true);
      acknowledgedWrites.push('crash.final');
      const { entries, truncated } = await auditHistory(service);
      expect(truncated).toBe(false);
      const revisions = entries.map((entry) => entry.revision);
      await receiver.waitFor(
        () => revisions.every((revision) => receiver.acknowledgedRevisions().includes(revision)),
        'every entry of the history',
        30_000,
      );

      // No loss: every committed change (every acknowledged write among them) was answered 2xx.
      const keys = new Set(entries.map((entry) => entry.key));
      expect(acknowledgedWrites.filter((key) => !keys.has(key))).toEqual([]);
      expect(receiver.distinctAcknowledged()).toEqual(revisions);
      // Redeliveries are the same event: same idempotency key, same body.
      const byKey = new Map<string, Set<string>>();
      for (const arrival of receiver.arrivals) {
        const key = arrival.headers['idempotency-key'] as string;
        byKey.set(key, (byKey.get(key) ?? new Set()).add(arrival.body));
      }
      expect([...byKey.values()].filter((bodies) => bodies.size !== 1)).toEqual([]);
      expect(byKey.size).toBe(revisions.length);
      const duplicates = receiver.acknowledgedRevisions().length - revisions.length;
      process.stderr.write(
        `webhooks kill -9 over ${store.name}: ${ROUNDS} kills, ${revisions.length} entries, all delivered; ` +
          `${receiver.arrivals.length} requests, ${duplicates} duplicate 2xx deliveries\n`,
      );
    } finally {
      await service?.stop();
      await receiver.stop();
    }
  }, 240_000);
});

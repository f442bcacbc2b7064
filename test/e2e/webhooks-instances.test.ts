import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import mongoose from 'mongoose';
import { type InstancePair, startInstancePair } from '../support/instance-pair.js';
import { TestReceiver } from '../support/webhook-receiver.js';
import { auditHistory, metric, webhookEnv, writeFlag } from '../support/webhooks.js';

const HELD = 'flagwire_webhook_lease_held{endpoint="shared"}';

describe('webhooks across instances sharing a MongoDB store', () => {
  let receiver: TestReceiver;
  let pair: InstancePair;
  beforeEach(async () => {
    receiver = await TestReceiver.start();
    // A long lease: a takeover within the test's time proves the lease was released, not waited out.
    // A short store timeout: a revision no write will commit is settled within 2 s (see the last test).
    pair = await startInstancePair({
      ...webhookEnv(receiver.url, 'shared'),
      WEBHOOK_LEASE_MS: '60000',
      STORE_TIMEOUT_MS: '1000',
    });
  });
  afterEach(async () => {
    await pair?.stop();
    await receiver?.stop();
  });

  const allDelivered = async (app: { url: string }) => {
    const revisions = (await auditHistory(app)).entries.map((entry) => entry.revision);
    await receiver.waitFor(
      () => revisions.every((revision) => receiver.acknowledgedRevisions().includes(revision)),
      'every entry',
    );
    return revisions;
  };

  it('delivers each entry once, in revision order, from one instance at a time, wherever it was written', async () => {
    for (let i = 0; i < 6; i++) await writeFlag(i % 2 === 0 ? pair.a : pair.b, `pair.${i}`, true);
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => writeFlag(i % 2 === 0 ? pair.a : pair.b, `both.${i}`, true)),
    );
    const revisions = await allDelivered(pair.a);
    expect(revisions).toHaveLength(14);
    expect(receiver.acknowledgedRevisions()).toEqual(revisions);
    expect(receiver.maxInFlight).toBe(1);
    expect((await metric(pair.a, HELD)) + (await metric(pair.b, HELD))).toBe(1);
  });

  it('hands the endpoint to another instance at once when the one delivering stops, going on from its cursor', async () => {
    await writeFlag(pair.a, 'before', true);
    await allDelivered(pair.a);
    const [holder, other] = (await metric(pair.a, HELD)) === 1 ? [pair.a, pair.b] : [pair.b, pair.a];
    // Entries the holder has not delivered when it stops: the receiver is down meanwhile.
    receiver.behave(() => ({ status: 503 }));
    await writeFlag(other, 'during.1', true);
    await writeFlag(holder, 'during.2', true);
    await receiver.waitFor(() => receiver.arrivals.length >= 3, 'a failed attempt');
    await holder.stop();
    receiver.behave(() => ({ status: 200 }));
    await writeFlag(other, 'after', true);
    const revisions = await allDelivered(other);
    expect(receiver.distinctAcknowledged()).toEqual(revisions);
    expect(receiver.arrivals.filter((a) => a.status === 200).map((a) => a.event.entry?.key)).toEqual([
      'before',
      'during.1',
      'during.2',
      'after',
    ]);
    expect(await metric(other, HELD)).toBe(1);
  });

  it('passes a revision that no write will ever commit once it is settled, and delivers what follows', async () => {
    await writeFlag(pair.a, 'before-hole', true);
    await allDelivered(pair.a);
    // A revision taken and never committed, as by a write that lost its version check.
    const db = await mongoose
      .createConnection(pair.a.config.mongodbUri as string, { autoCreate: false, autoIndex: false })
      .asPromise();
    try {
      await db.collection('counters').updateOne({ _id: 'revision' } as object, { $inc: { value: 1 } });
    } finally {
      await db.close();
    }
    const started = performance.now();
    await writeFlag(pair.b, 'after-hole', true);
    const revisions = await allDelivered(pair.a);
    const waited = performance.now() - started;
    process.stderr.write(
      `webhooks: an entry behind a never-committed revision was delivered after ${waited.toFixed(0)} ms\n`,
    );
    expect(receiver.arrivals.map((a) => a.event.entry?.key)).toEqual(['before-hole', 'after-hole']);
    expect(revisions.at(-1)).toBe((revisions.at(-2) as number) + 2);
    // Held until the hole was settled: 2 x STORE_TIMEOUT_MS, give or take a poll.
    expect(waited).toBeLessThan(6000);
  });
});

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import mongoose, { type Connection } from 'mongoose';
import { FileWebhookOutbox } from '../../src/webhooks/file-outbox.js';
import { MemoryWebhookOutbox } from '../../src/webhooks/memory-outbox.js';
import { MongoWebhookOutbox } from '../../src/webhooks/mongo-outbox.js';
import type { WebhookOutbox } from '../../src/webhooks/outbox.js';
import { startMongo, type TestMongo } from '../support/mongo.js';
import { describeWebhookOutboxContract } from './webhook-outbox.contract.js';

describeWebhookOutboxContract(
  'MemoryWebhookOutbox',
  async () => ({ outbox: new MemoryWebhookOutbox(), cleanup: async () => {} }),
  { shared: false, durable: false },
);

describeWebhookOutboxContract(
  'FileWebhookOutbox',
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flagwire-outbox-'));
    const opened: WebhookOutbox[] = [await FileWebhookOutbox.open(dir)];
    return {
      outbox: opened[0] as WebhookOutbox,
      reopen: async () => {
        const outbox = await FileWebhookOutbox.open(dir);
        opened.push(outbox);
        return outbox;
      },
      cleanup: async () => {
        await Promise.all(opened.map((outbox) => outbox.close()));
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
  { shared: false, durable: true },
);

describe('FileWebhookOutbox beyond the contract', () => {
  it('refuses to start on a cursor file it cannot read, saying what to do', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flagwire-outbox-'));
    try {
      await writeFile(join(dir, 'webhooks.json'), '{"format":1,"cursors":{"a":"x"}}');
      await expect(FileWebhookOutbox.open(dir)).rejects.toThrow(
        /webhooks\.json is not a Flagwire webhook cursor file/,
      );
      await writeFile(join(dir, 'webhooks.json'), 'not json');
      await expect(FileWebhookOutbox.open(dir)).rejects.toThrow(/fix or remove it/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('has the cursor on disk before advance answers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flagwire-outbox-'));
    try {
      const outbox = await FileWebhookOutbox.open(dir);
      await outbox.ensure('audit', 1);
      await outbox.acquire('audit', 'a', 1000, Date.now());
      await outbox.advance('audit', 'a', 42);
      expect(JSON.parse(await readFile(join(dir, 'webhooks.json'), 'utf8'))).toEqual({
        format: 1,
        cursors: { audit: 42 },
      });
      await outbox.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('on MongoDB', () => {
  let mongo: TestMongo;
  let admin: Connection;
  beforeAll(async () => {
    mongo = await startMongo();
    admin = await mongoose.createConnection(mongo.uri, { autoCreate: false, autoIndex: false }).asPromise();
  });
  afterAll(async () => {
    await admin?.close();
    await mongo?.stop();
  });

  describeWebhookOutboxContract(
    'MongoWebhookOutbox',
    async () => {
      const opened: WebhookOutbox[] = [];
      const openOne = async () => {
        const outbox = await MongoWebhookOutbox.open(mongo.uri, 5000);
        opened.push(outbox);
        return outbox;
      };
      return {
        outbox: await openOne(),
        peer: openOne,
        reopen: openOne,
        cleanup: async () => {
          await Promise.all(opened.map((outbox) => outbox.close()));
          await admin.collection('webhooks').deleteMany({});
        },
      };
    },
    { shared: true, durable: true },
  );

  it('takes the lease for exactly one of many instances racing for it', async () => {
    const outboxes = await Promise.all(
      Array.from({ length: 6 }, () => MongoWebhookOutbox.open(mongo.uri, 5000)),
    );
    try {
      await Promise.all(outboxes.map((outbox) => outbox.ensure('race', 0)));
      const now = Date.now();
      const states = await Promise.all(
        outboxes.map((outbox, i) => outbox.acquire('race', `holder-${i}`, 10_000, now)),
      );
      expect(states.filter((state) => state?.held)).toHaveLength(1);
    } finally {
      await Promise.all(outboxes.map((outbox) => outbox.close()));
      await admin.collection('webhooks').deleteMany({});
    }
  });
});

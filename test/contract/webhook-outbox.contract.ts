import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { WebhookOutbox } from '../../src/webhooks/outbox.js';
import { itWhen } from '../support/skip.js';

export interface OutboxSubject {
  /** A second handle on the same data, as another instance (shared stores) or the same process has it. */
  readonly outbox: WebhookOutbox;
  /** Another handle on the same data as a second instance sees it, where a store can be shared. */
  peer?: () => Promise<WebhookOutbox>;
  /** The outbox as a restarted process opens the same data (durable stores only). */
  reopen?: () => Promise<WebhookOutbox>;
  cleanup(): Promise<void>;
}

const LEASE = 10_000;
const T0 = 1_700_000_000_000;

/**
 * What every webhook outbox promises (run over memory, file and MongoDB): a cursor per endpoint that
 * starts where the first caller says and never moves back, moves only for the lease holder, survives a
 * restart where the store is durable; a lease one holder at a time until it expires or is released.
 */
export function describeWebhookOutboxContract(
  name: string,
  open: () => Promise<OutboxSubject>,
  kind: { shared: boolean; durable: boolean },
): void {
  const itShared = itWhen(kind.shared, 'one process owns this store: no other instance shares it');
  const itDurable = itWhen(kind.durable, 'this store keeps nothing across a restart');
  describe(`${name} (webhook outbox contract)`, () => {
    let subject: OutboxSubject;
    beforeEach(async () => {
      subject = await open();
    });
    afterEach(async () => {
      await subject.cleanup();
    });
    const outbox = () => subject.outbox;

    it('creates a cursor once, where the first caller says: a later ensure answers the existing one', async () => {
      expect(await outbox().acquire('audit', 'a', LEASE, T0)).toBeNull();
      expect(await outbox().ensure('audit', 7)).toBe(7);
      expect(await outbox().ensure('audit', 99)).toBe(7);
      expect(await outbox().ensure('other', 0)).toBe(0);
      expect(await outbox().acquire('audit', 'a', LEASE, T0)).toEqual({ held: true, delivered: 7 });
    });

    it('lets one holder hold an endpoint at a time, until its lease expires', async () => {
      await outbox().ensure('audit', 0);
      expect(await outbox().acquire('audit', 'a', LEASE, T0)).toEqual({ held: true, delivered: 0 });
      expect(await outbox().acquire('audit', 'b', LEASE, T0 + 1)).toEqual({ held: false, delivered: 0 });
      // A renewal pushes the expiry on.
      expect((await outbox().acquire('audit', 'a', LEASE, T0 + LEASE - 1))?.held).toBe(true);
      expect((await outbox().acquire('audit', 'b', LEASE, T0 + LEASE + 1))?.held).toBe(false);
      expect((await outbox().acquire('audit', 'b', LEASE, T0 + 2 * LEASE + 1))?.held).toBe(true);
      expect((await outbox().acquire('audit', 'a', LEASE, T0 + 2 * LEASE + 2))?.held).toBe(false);
      // Leases are per endpoint.
      await outbox().ensure('other', 0);
      expect((await outbox().acquire('other', 'a', LEASE, T0 + 2 * LEASE + 2))?.held).toBe(true);
    });

    it('moves the cursor only for the holder, and only forwards', async () => {
      await outbox().ensure('audit', 3);
      await outbox().acquire('audit', 'a', LEASE, T0);
      expect(await outbox().advance('audit', 'b', 10)).toBe(false);
      expect(await outbox().advance('audit', 'a', 5)).toBe(true);
      expect(await outbox().advance('audit', 'a', 5)).toBe(true);
      expect(await outbox().advance('audit', 'a', 4)).toBe(false);
      expect(await outbox().acquire('audit', 'a', LEASE, T0)).toEqual({ held: true, delivered: 5 });
      // Another holder takes over after expiry: the old one's late advance is refused.
      expect((await outbox().acquire('audit', 'b', LEASE, T0 + LEASE + 1))?.held).toBe(true);
      expect(await outbox().advance('audit', 'a', 9)).toBe(false);
      expect(await outbox().advance('audit', 'b', 8)).toBe(true);
      expect(await outbox().acquire('audit', 'a', LEASE, T0 + LEASE + 2)).toEqual({
        held: false,
        delivered: 8,
      });
    });

    it('frees the lease on release, for another holder at once; a non-holder cannot release it', async () => {
      await outbox().ensure('audit', 0);
      await outbox().acquire('audit', 'a', LEASE, T0);
      await outbox().release('audit', 'b');
      expect((await outbox().acquire('audit', 'b', LEASE, T0 + 1))?.held).toBe(false);
      await outbox().release('audit', 'a');
      expect((await outbox().acquire('audit', 'b', LEASE, T0 + 2))?.held).toBe(true);
      expect(await outbox().advance('audit', 'a', 1)).toBe(false);
    });

    itShared('shares cursors and leases with every other instance on the same store', async () => {
      const peer = await (subject.peer as () => Promise<WebhookOutbox>)();
      await outbox().ensure('audit', 4);
      expect(await peer.ensure('audit', 50)).toBe(4);
      expect((await outbox().acquire('audit', 'a', LEASE, T0))?.held).toBe(true);
      expect(await peer.acquire('audit', 'b', LEASE, T0 + 1)).toEqual({ held: false, delivered: 4 });
      expect(await outbox().advance('audit', 'a', 6)).toBe(true);
      expect(await peer.acquire('audit', 'b', LEASE, T0 + LEASE + 1)).toEqual({ held: true, delivered: 6 });
      expect(await outbox().advance('audit', 'a', 7)).toBe(false);
    });

    itDurable('keeps every cursor it acknowledged across a restart', async () => {
      await outbox().ensure('audit', 2);
      await outbox().ensure('other', 0);
      await outbox().acquire('audit', 'a', LEASE, T0);
      expect(await outbox().advance('audit', 'a', 11)).toBe(true);
      const reopened = await (subject.reopen as () => Promise<WebhookOutbox>)();
      expect(await reopened.ensure('audit', 0)).toBe(11);
      expect(await reopened.ensure('other', 5)).toBe(0);
    });

    it('answers ensure, acquire and advance of many endpoints at once consistently', async () => {
      const names = Array.from({ length: 8 }, (_, i) => `endpoint-${i}`);
      await Promise.all(names.map((n, i) => outbox().ensure(n, i)));
      await Promise.all(names.map((n) => outbox().acquire(n, 'a', LEASE, T0)));
      expect(await Promise.all(names.map((n, i) => outbox().advance(n, 'a', i + 100)))).toEqual(
        names.map(() => true),
      );
      expect(await Promise.all(names.map((n) => outbox().ensure(n, 0)))).toEqual(
        names.map((_, i) => i + 100),
      );
    });
  });
}

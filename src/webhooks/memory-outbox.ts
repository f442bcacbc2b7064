import { LocalLeases } from './local-leases.js';
import type { LeaseState, WebhookOutbox } from './outbox.js';

/** The outbox of the memory store: as durable as it (not at all), complete otherwise. */
export class MemoryWebhookOutbox implements WebhookOutbox {
  private readonly cursors = new Map<string, number>();
  private readonly leases = new LocalLeases();

  async ensure(endpoint: string, start: number): Promise<number> {
    if (!this.cursors.has(endpoint)) this.cursors.set(endpoint, start);
    return this.cursors.get(endpoint) as number;
  }

  async acquire(endpoint: string, holder: string, leaseMs: number, now: number): Promise<LeaseState | null> {
    const delivered = this.cursors.get(endpoint);
    if (delivered === undefined) return null;
    return { held: this.leases.acquire(endpoint, holder, leaseMs, now), delivered };
  }

  async advance(endpoint: string, holder: string, delivered: number): Promise<boolean> {
    const current = this.cursors.get(endpoint);
    if (current === undefined || current > delivered || !this.leases.holds(endpoint, holder)) return false;
    this.cursors.set(endpoint, delivered);
    return true;
  }

  async release(endpoint: string, holder: string): Promise<void> {
    this.leases.release(endpoint, holder);
  }

  async close(): Promise<void> {}
}

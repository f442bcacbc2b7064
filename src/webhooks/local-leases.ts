/**
 * Leases of a store that one process owns (the memory and file stores): kept in memory, since no other
 * process can deliver from the same data. Still exact leases, so the one contract holds for every store.
 */
export class LocalLeases {
  private readonly leases = new Map<string, { holder: string; until: number }>();

  acquire(endpoint: string, holder: string, leaseMs: number, now: number): boolean {
    const lease = this.leases.get(endpoint);
    if (lease && lease.holder !== holder && lease.until >= now) return false;
    this.leases.set(endpoint, { holder, until: now + leaseMs });
    return true;
  }

  holds(endpoint: string, holder: string): boolean {
    return this.leases.get(endpoint)?.holder === holder;
  }

  release(endpoint: string, holder: string): void {
    if (this.holds(endpoint, holder)) this.leases.delete(endpoint);
  }
}

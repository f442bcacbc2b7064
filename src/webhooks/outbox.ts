/**
 * An endpoint's delivery state as the store keeps it: how far it has been delivered, and who may
 * deliver to it now.
 */
export interface LeaseState {
  /** Whether the holder that asked holds the lease now. */
  readonly held: boolean;
  /** Every entry up to this revision has been delivered (answered 2xx) or filtered out. */
  readonly delivered: number;
}

/**
 * The durable outbox of the webhooks: one cursor per endpoint (the revision delivered through),
 * persisted in the same store as the flags and the audit history, and one lease per endpoint so that
 * of several instances sharing a store only one delivers to an endpoint at a time. The entries
 * themselves are the audit history (AuditLog.readAfter from the cursor): nothing is copied, so nothing
 * committed can be missing from the outbox.
 *
 * Times (`now`, epoch ms) are the caller's clock: instances' clocks may differ, which can only make
 * two instances deliver at once for a moment (duplicates, which at-least-once allows), never make one
 * skip an entry. Implementations throw StoreUnavailableError when their backend does not answer.
 */
export interface WebhookOutbox {
  /**
   * The endpoint's cursor, created at `start` if it has none (insert-if-absent: of two instances
   * racing, one creates it and both answer the same cursor).
   */
  ensure(endpoint: string, start: number): Promise<number>;
  /**
   * Takes the lease for `holder` until `now + leaseMs` if it is free, expired or already `holder`'s
   * (a renewal). Answers whether `holder` holds it and the cursor either way; null when the endpoint
   * has no cursor (never ensured, or deleted by an operator to restart it: the caller ensures again).
   */
  acquire(endpoint: string, holder: string, leaseMs: number, now: number): Promise<LeaseState | null>;
  /**
   * Moves the cursor to `delivered`, only while `holder` holds the lease and never backwards. Answers
   * false (and changes nothing) when `holder` lost the lease or the cursor is already past `delivered`:
   * the caller stops and acquires again.
   */
  advance(endpoint: string, holder: string, delivered: number): Promise<boolean>;
  /** Lets the lease go (graceful stop), so another instance can take over at once. */
  release(endpoint: string, holder: string): Promise<void>;
  close(): Promise<void>;
}

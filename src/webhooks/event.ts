import type { AuditEntry } from '../audit/audit-entry.js';
import { type AuditEntryView, auditEntryView } from '../audit/audit-view.js';

/** One audit entry, as GET /audit serves it (with `id` and the readable `diff`). */
export interface EntryEvent {
  readonly type: 'audit-entry';
  /** Stable per (store, endpoint, revision): the same on every redelivery (= Flagwire-Delivery-Id). */
  readonly id: string;
  readonly revision: number;
  readonly entry: AuditEntryView;
}

/**
 * Entries this endpoint never got, because retention purged them while it was behind: revisions
 * `fromRevision` through `throughRevision` (some may be revisions no change committed at, or entries
 * its filter would have left out). Sent in their place, in order, before the entries after them.
 */
export interface PurgedEvent {
  readonly type: 'entries-purged';
  readonly id: string;
  readonly fromRevision: number;
  readonly throughRevision: number;
}

export type WebhookEvent = EntryEvent | PurgedEvent;

/** `<store id>.<endpoint>.<revision>`: unique across stores and endpoints, identical on every retry. */
export function deliveryIdOf(storeId: string, endpoint: string, revision: number): string {
  return `${storeId}.${endpoint}.${revision}`;
}

export function entryEvent(storeId: string, endpoint: string, entry: AuditEntry): EntryEvent {
  return {
    type: 'audit-entry',
    id: deliveryIdOf(storeId, endpoint, entry.revision),
    revision: entry.revision,
    entry: auditEntryView(entry),
  };
}

/** Its id goes by where the gap starts: the endpoint's cursor, which stays put until it is delivered. */
export function purgedEvent(storeId: string, endpoint: string, from: number, through: number): PurgedEvent {
  return {
    type: 'entries-purged',
    id: `${deliveryIdOf(storeId, endpoint, from)}-purged`,
    fromRevision: from,
    throughRevision: through,
  };
}

import { type DiffOp, diffJson } from './audit-diff.js';
import type { AuditEntry } from './audit-entry.js';

/** An entry as the APIs serve it: with a stable `id` (its revision) and the readable diff. */
export type AuditEntryView = AuditEntry & { readonly id: string; readonly diff: readonly DiffOp[] };

/**
 * The diff is derived here, from the two definitions the entry holds, and never stored: it cannot
 * disagree with them.
 */
export function auditEntryView(entry: AuditEntry): AuditEntryView {
  return {
    id: String(entry.revision),
    ...entry,
    diff: diffJson(entry.before?.definition, entry.after?.definition),
  };
}

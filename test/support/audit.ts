import type { Attribution } from '../../src/audit/attribution.js';
import type { AuditNote } from '../../src/audit/audit-entry.js';

/** Who the tests write as, when who writes is not what a test is about. */
export const by: Attribution = { actor: 'test', comment: null };

/** Store-level notes for tests that write to a store directly. */
export const asCreate: AuditNote = { ...by, action: 'create' };
export const asUpdate: AuditNote = { ...by, action: 'replace' };
export const asDelete: AuditNote = { ...by, action: 'delete' };

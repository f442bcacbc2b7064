import type { AuditEntry } from './audit-entry.js';
import type { AuditFilter } from './audit-log.js';

/** What a filter looks at: an entry without its before/after states (an index row has exactly this). */
export type AuditEntryHead = Pick<
  AuditEntry,
  'revision' | 'at' | 'actor' | 'action' | 'entity' | 'key' | 'environments'
>;

/** Whether `entry` passes every condition `filter` sets (the one definition; MongoDB's query mirrors it). */
export function matchesFilter(filter: AuditFilter, entry: AuditEntryHead): boolean {
  return (
    (filter.entity === undefined || entry.entity === filter.entity) &&
    (filter.key === undefined || entry.key === filter.key) &&
    (filter.environment === undefined || entry.environments.includes(filter.environment)) &&
    (filter.actor === undefined || entry.actor === filter.actor) &&
    (filter.actions === undefined || filter.actions.includes(entry.action)) &&
    (filter.sinceRevision === undefined || entry.revision >= filter.sinceRevision) &&
    (filter.untilRevision === undefined || entry.revision <= filter.untilRevision) &&
    (filter.since === undefined || entry.at >= filter.since) &&
    (filter.until === undefined || entry.at <= filter.until)
  );
}

/** The same filter whatever order or form its parts were given in (cursor binding, see audit-cursor.ts). */
export function canonicalFilter(filter: AuditFilter): string {
  const parts: Array<[string, unknown]> = [];
  for (const [name, value] of Object.entries(filter).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (value === undefined) continue;
    parts.push([name, Array.isArray(value) ? [...value].sort() : value]);
  }
  return JSON.stringify(parts);
}

import { Link } from 'wouter';
import type { AuditEntity } from '../generated/graphql';
import { ChangeList } from './change-list';
import { relativeTime } from './diff-text';
import type { HistoryEntry } from './history-feed';
import { ACTION_VERBS, actionName } from './history-filter';
import { SideBySide } from './side-by-side';

function recordHref(entity: AuditEntity, key: string): string {
  if (entity === 'FLAG') return `/flags/${encodeURIComponent(key)}`;
  if (entity === 'SEGMENT') return '/segments';
  return '/environments';
}

function versions(entry: HistoryEntry): string {
  if (!entry.before && entry.after) return `version ${entry.after.version}`;
  if (entry.before && !entry.after) return `was version ${entry.before.version}`;
  return `version ${entry.before?.version} → ${entry.after?.version}`;
}

/**
 * One change: who, when (relative and absolute), what (action, record, environments), why (the
 * comment), and the difference path by path as the API computed it, with the two documents side by
 * side on demand.
 */
export function AuditEntryCard({ entry, fresh, now }: { entry: HistoryEntry; fresh: boolean; now: number }) {
  const absolute = new Date(entry.at).toLocaleString();
  const titleId = `entry-${entry.revision}`;
  const entity = entry.entity.toLowerCase();
  return (
    <li className={fresh ? 'entry fresh' : 'entry'} data-revision={entry.revision} aria-labelledby={titleId}>
      <p className="entry-title" id={titleId}>
        <strong className="actor">{entry.actor}</strong> {ACTION_VERBS[entry.action]} {entity}{' '}
        <Link href={recordHref(entry.entity, entry.key)} className="record-key">
          {entry.key}
        </Link>
        {entry.environments.length > 0 && (
          <>
            {' '}
            in{' '}
            {entry.environments.map((environment) => (
              <span key={environment} className="env-chip">
                {environment}
              </span>
            ))}
          </>
        )}
        {fresh && <span className="badge">new</span>}
      </p>
      <p className="entry-meta">
        <time dateTime={entry.at} title={entry.at}>
          {relativeTime(entry.at, now)}
        </time>{' '}
        · <span className="absolute-time">{absolute}</span> ·{' '}
        <span className="action">{actionName(entry.action)}</span> · {versions(entry)} · revision{' '}
        {entry.revision} · {/* Every flag evaluated for a context as it stood right after this change. */}
        <Link href={`/playground?asOf=${entry.revision}`} className="as-of-link">
          Playground as of revision {entry.revision}
        </Link>
      </p>
      {entry.comment !== null && (
        <blockquote className="comment">
          <span className="visually-hidden">Comment: </span>
          {entry.comment}
        </blockquote>
      )}
      {entry.diff.length === 0 ? (
        <p className="muted">No change to the document (written as it was).</p>
      ) : (
        <ChangeList diff={entry.diff} label={`What changed in ${entity} ${entry.key}`} />
      )}
      <SideBySide
        revision={entry.revision}
        label={`${entity} ${entry.key} before and after revision ${entry.revision}`}
      />
    </li>
  );
}

// '.js': this module is also type-checked by the repository's (nodenext) tsconfig through its unit test.
import type { AuditAction, AuditEntity, AuditFilter } from '../generated/graphql.js';

/** Whose history a screen shows: everything, one flag's (`/flags/:key/history`) or one segment's. */
export type HistoryScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'flag'; readonly key: string }
  | { readonly kind: 'segment'; readonly key: string };

/**
 * What the history is narrowed to, as kept in the URL's search string (so a view can be linked): all
 * optional ('' is "any"), all must hold. `since` and `until` are ISO-8601 UTC times, inclusive.
 */
export interface HistoryFilter {
  readonly flag: string;
  readonly entity: '' | AuditEntity;
  readonly environment: string;
  readonly actor: string;
  readonly action: '' | AuditAction;
  readonly since: string;
  readonly until: string;
}

export const NO_HISTORY_FILTER: HistoryFilter = {
  flag: '',
  entity: '',
  environment: '',
  actor: '',
  action: '',
  since: '',
  until: '',
};

/** What each action did, as a verb for "alice toggled flag checkout" (every action the API records). */
export const ACTION_VERBS: { readonly [A in AuditAction]: string } = {
  CREATE: 'created',
  UPDATE: 'updated',
  REPLACE: 'saved',
  TOGGLE: 'toggled',
  SET_RULES: 'set the rules of',
  SET_ROLLOUT: 'set a rollout of',
  DELETE: 'deleted',
  PROMOTE: 'promoted',
  SEGMENT_CREATE: 'created',
  SEGMENT_REPLACE: 'saved',
  SEGMENT_DELETE: 'deleted',
  ENVIRONMENT_CREATE: 'created',
  ENVIRONMENT_UPDATE: 'described',
};

export const ACTIONS = Object.keys(ACTION_VERBS) as AuditAction[];
export const ENTITIES: readonly AuditEntity[] = ['FLAG', 'SEGMENT', 'ENVIRONMENT'];

/** "alice toggled flag checkout in production": an entry in one line. */
export function entrySentence(entry: {
  actor: string;
  action: AuditAction;
  entity: AuditEntity;
  key: string;
  environments: readonly string[];
}): string {
  const where = entry.environments.length > 0 ? ` in ${entry.environments.join(', ')}` : '';
  return `${entry.actor} ${ACTION_VERBS[entry.action]} ${entry.entity.toLowerCase()} ${entry.key}${where}`;
}

/** `SET_RULES` as `set rules`: an action's name for people. */
export const actionName = (action: AuditAction) => action.toLowerCase().replaceAll('_', ' ');

const oneOf = <T extends string>(values: readonly T[], value: string | null): '' | T =>
  value !== null && (values as readonly string[]).includes(value) ? (value as T) : '';

export function historyFilterFromSearch(search: string): HistoryFilter {
  const params = new URLSearchParams(search);
  const text = (name: string) => params.get(name)?.trim() ?? '';
  return {
    flag: text('flag'),
    entity: oneOf(ENTITIES, params.get('entity')),
    environment: text('environment'),
    actor: text('actor'),
    action: oneOf(ACTIONS, params.get('action')),
    since: text('since'),
    until: text('until'),
  };
}

export function historyFilterToSearch(filter: HistoryFilter): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filter)) if (value) params.set(name, value);
  const search = params.toString();
  return search ? `?${search}` : '';
}

/**
 * The API's filter for a screen's scope and the user's filter. A flag's or segment's own screen fixes
 * the record (the user's `flag` and `entity` do not apply there); `flag` implies flags.
 */
export function auditFilterOf(scope: HistoryScope, filter: HistoryFilter): AuditFilter {
  const out: AuditFilter = {};
  if (scope.kind === 'flag') out.flag = scope.key;
  else if (scope.kind === 'segment') out.segment = scope.key;
  else if (filter.flag) out.flag = filter.flag;
  else if (filter.entity) out.entity = filter.entity;
  if (filter.environment) out.environment = filter.environment;
  if (filter.actor) out.actor = filter.actor;
  if (filter.action) out.actions = [filter.action];
  if (filter.since) out.since = filter.since;
  if (filter.until) out.until = filter.until;
  return out;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * An ISO time as a `datetime-local` input shows it (this browser's time zone), to the minute or, for an
 * input with `step="1"`, to the second.
 */
export function localInputOf(iso: string, precision: 'minute' | 'second' = 'minute'): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const minute = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
  return precision === 'second' ? `${minute}:${pad(at.getSeconds())}` : minute;
}

/**
 * A `datetime-local` value (this browser's time zone) as ISO-8601 UTC; '' for none. `until` reaches the
 * end of the minute shown, so a range "14:02 to 14:05" holds a change at 14:05:30.
 */
export function isoOfLocalInput(local: string, end: 'since' | 'until'): string {
  if (!local) return '';
  const at = new Date(local);
  if (Number.isNaN(at.getTime())) return '';
  if (end === 'until') at.setSeconds(59, 999);
  return at.toISOString();
}

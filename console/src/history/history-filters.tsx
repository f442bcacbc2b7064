import { type FormEvent, useEffect, useState } from 'react';
import {
  ACTIONS,
  actionName,
  ENTITIES,
  type HistoryFilter,
  type HistoryScope,
  isoOfLocalInput,
  localInputOf,
  NO_HISTORY_FILTER,
} from './history-filter';

/** The fields typed into (applied on Enter, on leaving the field, or with Apply), as the inputs hold them. */
interface Typed {
  flag: string;
  actor: string;
  since: string;
  until: string;
}

const typedOf = (filter: HistoryFilter): Typed => ({
  flag: filter.flag,
  actor: filter.actor,
  since: filter.since ? localInputOf(filter.since) : '',
  until: filter.until ? localInputOf(filter.until) : '',
});

/**
 * The history's filters. Choices (kind, environment, action) apply at once; typed fields when the user
 * presses Enter, leaves the field or presses Apply, so the history is not re-read on every keystroke.
 * `invalid` names the field the service refused (its `details.field`), which is marked and described.
 */
export function HistoryFilters({
  scope,
  filter,
  environments,
  actors,
  flagKeys,
  invalid,
  problem,
  onChange,
}: {
  scope: HistoryScope;
  filter: HistoryFilter;
  environments: readonly string[];
  actors: readonly string[];
  flagKeys: readonly string[];
  invalid: string | undefined;
  problem: string | undefined;
  onChange: (next: HistoryFilter) => void;
}) {
  const [typed, setTyped] = useState<Typed>(() => typedOf(filter));
  // The URL changed (back button, a link, Clear): show what it says.
  useEffect(() => setTyped(typedOf(filter)), [filter]);

  const withTyped = (base: HistoryFilter, values: Typed): HistoryFilter => ({
    ...base,
    flag: values.flag.trim(),
    actor: values.actor.trim(),
    since: isoOfLocalInput(values.since, 'since'),
    until: isoOfLocalInput(values.until, 'until'),
  });
  const apply = (next: HistoryFilter) => {
    if (JSON.stringify(next) !== JSON.stringify(filter)) onChange(next);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    apply(withTyped(filter, typed));
  };
  const typedField = (name: keyof Typed) => ({
    id: `history-${name}`,
    value: typed[name],
    onChange: (e: { currentTarget: { value: string } }) => {
      const value = e.currentTarget.value;
      setTyped((current) => ({ ...current, [name]: value }));
    },
    onBlur: () => apply(withTyped(filter, typed)),
    'aria-invalid': invalid === name || (name === 'flag' && invalid === 'key') ? true : undefined,
    'aria-describedby': invalid === name ? 'history-filter-problem' : undefined,
  });
  const choose = (name: 'entity' | 'environment' | 'action', value: string) =>
    apply(withTyped({ ...filter, [name]: value }, typed));

  return (
    <search className="filters history-filters" aria-label="Filter the history">
      <form onSubmit={submit} noValidate>
        {scope.kind === 'all' && (
          <>
            <span className="field">
              <label htmlFor="history-flag">Flag key</label>
              <input type="text" spellCheck={false} list="history-flag-keys" {...typedField('flag')} />
              <datalist id="history-flag-keys">
                {flagKeys.map((key) => (
                  <option key={key} value={key} />
                ))}
              </datalist>
            </span>
            <span className="field">
              <label htmlFor="history-entity">Kind</label>
              <select
                id="history-entity"
                value={filter.flag ? 'FLAG' : filter.entity}
                disabled={filter.flag !== ''}
                onChange={(e) => choose('entity', e.currentTarget.value)}
              >
                <option value="">flags, segments and environments</option>
                {ENTITIES.map((entity) => (
                  <option key={entity} value={entity}>
                    {entity.toLowerCase()}s
                  </option>
                ))}
              </select>
            </span>
          </>
        )}
        <span className="field">
          <label htmlFor="history-environment">Environment</label>
          <select
            id="history-environment"
            value={filter.environment}
            onChange={(e) => choose('environment', e.currentTarget.value)}
          >
            <option value="">any environment</option>
            {environments.map((environment) => (
              <option key={environment} value={environment}>
                {environment}
              </option>
            ))}
          </select>
        </span>
        <span className="field">
          <label htmlFor="history-actor">Actor (token name)</label>
          <input type="text" spellCheck={false} list="history-actors" {...typedField('actor')} />
          <datalist id="history-actors">
            {actors.map((actor) => (
              <option key={actor} value={actor} />
            ))}
          </datalist>
        </span>
        <span className="field">
          <label htmlFor="history-action">Action</label>
          <select
            id="history-action"
            value={filter.action}
            onChange={(e) => choose('action', e.currentTarget.value)}
          >
            <option value="">any action</option>
            {ACTIONS.map((action) => (
              <option key={action} value={action}>
                {actionName(action)}
              </option>
            ))}
          </select>
        </span>
        <span className="field">
          <label htmlFor="history-since">From</label>
          <input type="datetime-local" {...typedField('since')} />
        </span>
        <span className="field">
          <label htmlFor="history-until">To</label>
          <input type="datetime-local" {...typedField('until')} />
        </span>
        <span className="filter-buttons">
          <button type="submit">Apply</button>
          <button type="button" onClick={() => apply(NO_HISTORY_FILTER)}>
            Clear filters
          </button>
        </span>
      </form>
      <p id="history-filter-problem" className="field-error" role="alert">
        {problem ?? ''}
      </p>
    </search>
  );
}

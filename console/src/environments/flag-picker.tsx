import { useId, useMemo, useState } from 'react';
import type { FlagRowFragment } from '../generated/graphql';
import { chosenText, pickerView, toggled, withShown } from './flag-picker-logic';

/** One flag's checkbox: the key names it, the description (if any) describes it. */
function FlagChoice(props: { flag: FlagRowFragment; checked: boolean; onChange: (on: boolean) => void }) {
  const descriptionId = useId();
  const { key, description } = props.flag;
  return (
    <li>
      <label className="inline">
        <input
          type="checkbox"
          checked={props.checked}
          onChange={(e) => props.onChange(e.currentTarget.checked)}
          aria-describedby={description ? descriptionId : undefined}
        />
        <code className="record-key">{key}</code>
      </label>
      {description && (
        <span id={descriptionId} className="muted">
          {description}
        </span>
      )}
    </li>
  );
}

/**
 * The flags to promote, ticked one by one: a filter (key or description), "select all shown", "clear" and
 * the count chosen. It draws at most a bounded number of rows (see PICKER_ROWS) and says how many more
 * match, so a service with 1,000 flags stays quick to draw; chosen flags the filter hides stay chosen.
 */
export function FlagPicker(props: {
  flags: readonly FlagRowFragment[];
  loaded: boolean;
  chosen: readonly string[];
  onChange: (keys: string[]) => void;
  problemId: string;
}) {
  const { flags, chosen, onChange } = props;
  const [filter, setFilter] = useState('');
  const view = useMemo(() => pickerView(flags, filter, chosen), [flags, filter, chosen]);
  const ticked = useMemo(() => new Set(chosen), [chosen]);
  const filterId = useId();
  if (!props.loaded) return <p className="loading">Loading the flags…</p>;
  return (
    <div className="flag-picker">
      <label htmlFor={filterId}>Filter the flags (key or description)</label>
      <input
        id={filterId}
        type="search"
        spellCheck={false}
        autoComplete="off"
        placeholder="checkout"
        value={filter}
        onChange={(e) => setFilter(e.currentTarget.value)}
      />
      <div className="picker-actions">
        <button
          type="button"
          disabled={view.shown.length === 0}
          onClick={() => onChange(withShown(chosen, view.shown))}
        >
          Select all {view.shown.length} shown
        </button>
        <button type="button" disabled={chosen.length === 0} onClick={() => onChange([])}>
          Clear
        </button>
        <span className="picker-count" role="status">
          {chosenText(chosen.length, flags.length, view.chosenHidden)}
        </span>
      </div>
      {view.shown.length === 0 ? (
        <p className="muted">{flags.length === 0 ? 'No flags yet.' : 'No flag matches the filter.'}</p>
      ) : (
        <fieldset className="picker-list" aria-describedby={props.problemId}>
          <legend className="visually-hidden">Flags to promote</legend>
          <ul>
            {view.shown.map((flag) => (
              <FlagChoice
                key={flag.key}
                flag={flag}
                checked={ticked.has(flag.key)}
                onChange={(on) => onChange(toggled(chosen, flag.key, on))}
              />
            ))}
          </ul>
        </fieldset>
      )}
      {view.more > 0 && (
        <p className="muted picker-more">{view.more.toLocaleString('en')} more — refine the filter</p>
      )}
    </div>
  );
}

import type { AsOfChoice } from './as-of';

/** What the field says is wrong with the moment asked for, and (beyond retention) the oldest one kept. */
export interface AsOfFieldProblem {
  readonly text: string;
  readonly oldestRevision?: number | undefined;
}

/**
 * When to evaluate: now, at a revision (each history entry names its own), or at a time (this browser's
 * time zone, to the second). The service's refusal of the moment (beyond retention, too far back,
 * malformed) shows here, beside the inputs; beyond retention it offers the oldest revision kept.
 */
export function AsOfField({
  choice,
  onChange,
  problem,
}: {
  choice: AsOfChoice;
  onChange: (choice: AsOfChoice) => void;
  problem: AsOfFieldProblem | undefined;
}) {
  const invalid = problem !== undefined;
  const described = { 'aria-describedby': 'as-of-problem', 'aria-invalid': invalid };
  return (
    <fieldset className="as-of">
      <legend>As of</legend>
      <span className="serve-mode">
        <label>
          <input
            type="radio"
            name="as-of-mode"
            checked={choice.mode === 'now'}
            onChange={() => onChange({ mode: 'now' })}
          />
          now
        </label>
        <label>
          <input
            type="radio"
            name="as-of-mode"
            checked={choice.mode === 'revision'}
            onChange={() => onChange({ mode: 'revision', revision: '' })}
          />
          a revision
        </label>
        <label>
          <input
            type="radio"
            name="as-of-mode"
            checked={choice.mode === 'time'}
            onChange={() => onChange({ mode: 'time', local: '' })}
          />
          a time
        </label>
      </span>
      {choice.mode === 'revision' && (
        <label>
          Revision
          <input
            type="text"
            inputMode="numeric"
            spellCheck={false}
            autoComplete="off"
            value={choice.revision}
            onChange={(e) => onChange({ mode: 'revision', revision: e.currentTarget.value })}
            {...described}
          />
        </label>
      )}
      {choice.mode === 'time' && (
        <label>
          Time (your time zone)
          <input
            type="datetime-local"
            step={1}
            value={choice.local}
            onChange={(e) => onChange({ mode: 'time', local: e.currentTarget.value })}
            {...described}
          />
        </label>
      )}
      <span id="as-of-problem" className="field-error" role="alert">
        {problem?.text ?? ''}
      </span>
      {problem?.oldestRevision !== undefined && (
        <button
          type="button"
          className="link"
          onClick={() => onChange({ mode: 'revision', revision: String(problem.oldestRevision) })}
        >
          Use revision {problem.oldestRevision}, the oldest kept
        </button>
      )}
    </fieldset>
  );
}

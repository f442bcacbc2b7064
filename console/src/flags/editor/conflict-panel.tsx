import { JsonDiff } from './json-diff';

export interface Conflict {
  /** The version the user started from, and its document. */
  baseVersion: number;
  base: unknown;
  /** What the user tried to save. */
  mine: unknown;
  /** The flag as it is now. */
  currentVersion: number;
  current: unknown;
}

/**
 * Shown when a save was refused because someone else changed the flag first (VERSION_MISMATCH): what
 * they changed (the version the user started from against the current one) and what the user changed,
 * then a choice: redo mine on top of theirs (then review and save again), or drop mine.
 */
export function ConflictPanel({
  conflict,
  onRedo,
  onDiscard,
}: {
  conflict: Conflict;
  onRedo: () => void;
  onDiscard: () => void;
}) {
  return (
    <section
      className="conflict"
      role="alertdialog"
      aria-labelledby="conflict-title"
      aria-describedby="conflict-text"
    >
      <h2 id="conflict-title">Someone else changed this flag while you were editing</h2>
      <p id="conflict-text">
        You started from version {conflict.baseVersion}; it is now at version {conflict.currentVersion}.
        Nothing of yours was saved.
      </p>
      <JsonDiff
        label={`Their change (version ${conflict.baseVersion} → ${conflict.currentVersion})`}
        before={conflict.base}
        after={conflict.current}
      />
      <JsonDiff label="Your change (not saved)" before={conflict.base} after={conflict.mine} />
      <p>
        <button type="button" className="primary" onClick={onRedo}>
          Redo my change on top of theirs
        </button>{' '}
        <button type="button" onClick={onDiscard}>
          Discard my change and load theirs
        </button>
      </p>
    </section>
  );
}

import { useState } from 'react';
import { ApiError } from '../api/graphql';
import { useSession } from '../api/session-context';
import { commentOf } from '../comment-field';
import { type FlagRowFragment, ToggleFlagDocument } from '../generated/graphql';
import { useFlagListStore } from './flag-list-context';
import { useSwitchComment } from './switch-comment';

/**
 * A flag's on/off switch in one environment, written at once (`toggleFlag`), guarded by the version
 * shown: if the flag changed meanwhile the write is refused and the row shows the new state (live).
 * The list's comment field, if filled, goes with it (and is cleared).
 * Read-only tokens see the state, disabled.
 */
export function EnvironmentSwitch({
  flag,
  environment,
  enabled,
}: {
  flag: FlagRowFragment;
  environment: string;
  enabled: boolean;
}) {
  const { viewer, run } = useSession();
  const store = useFlagListStore();
  const comment = useSwitchComment();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const id = `switch-${flag.key}-${environment}`;

  const toggle = async () => {
    setBusy(true);
    setProblem(undefined);
    store.expectOwnWrite(flag.key);
    const why = comment.take();
    try {
      await run(ToggleFlagDocument, {
        key: flag.key,
        environment,
        expectedVersion: flag.version,
        comment: commentOf(why),
      });
    } catch (err) {
      store.ownWriteFailed(flag.key);
      comment.restore(why);
      setProblem(
        err instanceof ApiError && err.code === 'VERSION_MISMATCH'
          ? 'Changed by someone else meanwhile: check the new state and try again.'
          : err instanceof Error
            ? err.message
            : String(err),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <span className="switch">
      <input
        id={id}
        type="checkbox"
        role="switch"
        checked={enabled}
        aria-checked={enabled}
        disabled={!viewer.canWrite || busy}
        aria-describedby={problem ? `${id}-problem` : undefined}
        onChange={toggle}
      />
      <label htmlFor={id}>
        <span className="visually-hidden">
          {flag.key} in {environment}:{' '}
        </span>
        {enabled ? 'on' : 'off'}
      </label>
      {problem && (
        <span id={`${id}-problem`} className="field-error" role="alert">
          {problem}
        </span>
      )}
    </span>
  );
}

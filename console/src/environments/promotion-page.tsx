import { type FormEvent, useEffect, useState } from 'react';
import { Link } from 'wouter';
import { ApiError } from '../api/graphql';
import { useSession } from '../api/session-context';
import { CommentField, commentOf } from '../comment-field';
import { useFlagList } from '../flags/flag-list-context';
import { EnvironmentListDocument, PromoteDocument, type PromoteMutation } from '../generated/graphql';
import { FlagPicker } from './flag-picker';
import {
  conflictOf,
  expectedVersionsOf,
  fieldOf,
  type PromotionConflict,
  type PromotionField,
  type PromotionRequest,
  type PromotionSelection,
  requestOf,
} from './promotion-logic';
import { PromotionFlags, statusCounts } from './promotion-preview';

type Promotion = PromoteMutation['promote'];
type Problems = Partial<Record<PromotionField | 'general', string>>;

function FieldProblem({ id, text }: { id: string; text: string | undefined }) {
  return (
    <span id={id} className="field-error" role="alert">
      {text ?? ''}
    </span>
  );
}

/** One of the two environment pickers (source or target), with its problem beside it. */
function EnvironmentChoice(props: {
  side: 'from' | 'to';
  label: string;
  keys: readonly string[];
  value: string;
  problem: string | undefined;
  onChange: (key: string) => void;
}) {
  const id = `promotion-${props.side}`;
  return (
    <span className="field">
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value)}
        aria-describedby={`${id}-problem`}
        aria-invalid={props.problem !== undefined}
      >
        <option value="">Choose…</option>
        {props.keys.map((key) => (
          <option key={key} value={key}>
            {key}
          </option>
        ))}
      </select>
      <FieldProblem id={`${id}-problem`} text={props.problem} />
    </span>
  );
}

function ConflictNotice({ conflict, onPreview }: { conflict: PromotionConflict; onPreview: () => void }) {
  const versions =
    conflict.expectedVersion !== undefined && conflict.currentVersion !== undefined
      ? ` (previewed at version ${conflict.expectedVersion}, now version ${conflict.currentVersion})`
      : conflict.currentVersion !== undefined
        ? ` (now version ${conflict.currentVersion})`
        : '';
  return (
    <section className="notice conflict" role="alert" aria-labelledby="promotion-conflict-title">
      <h2 id="promotion-conflict-title">Flag {conflict.key} changed since the preview</h2>
      <p>
        Someone changed <strong>{conflict.key}</strong>
        {versions} after you previewed, so nothing of theirs was overwritten
        {conflict.promoted.length === 0
          ? ': nothing was written.'
          : `. Promoted before it stopped: ${conflict.promoted.join(', ')}.`}{' '}
        Preview again to see the promotion as it stands now.
      </p>
      <button type="button" className="primary" onClick={onPreview}>
        Preview again
      </button>
    </section>
  );
}

/**
 * Promotion between environments: pick a source, a target and the flags (a key prefix, or ticked in a
 * filterable list), preview (`promote` with `dryRun`: per flag changed / unchanged / not in the source,
 * with the difference), then apply exactly what was previewed: the apply sends the preview's versions, so a flag someone changed
 * since is refused (VERSION_MISMATCH) and shown, never overwritten. Admin tokens only.
 */
export default function PromotionPage() {
  const { run, viewer } = useSession();
  const list = useFlagList();
  // The flag list's environments at first, then the service's own list: one created a moment ago on the
  // environments page is not in the flag list until it reloads.
  const [keys, setKeys] = useState(() => list.environments.map((e) => e.key));
  useEffect(() => {
    let stale = false;
    run(EnvironmentListDocument, {}).then(
      ({ environments }) => !stale && setKeys(environments.map((e) => e.key)),
      (err: unknown) => console.warn('reading the environments failed', err),
    );
    return () => {
      stale = true;
    };
  }, [run]);
  const [selection, setSelection] = useState<PromotionSelection>({
    from: keys.includes('staging') ? 'staging' : '',
    to: keys.includes('production') ? 'production' : '',
    by: 'prefix',
    prefix: '',
    keys: [],
  });
  const [comment, setComment] = useState('');
  const [preview, setPreview] = useState<{ request: PromotionRequest; promotion: Promotion }>();
  const [applied, setApplied] = useState<Promotion>();
  const [conflict, setConflict] = useState<PromotionConflict>();
  const [problems, setProblems] = useState<Problems>({});
  const [busy, setBusy] = useState(false);

  if (!viewer.canWrite)
    return (
      <section className="notice not-allowed" role="alert" aria-labelledby="not-allowed-title">
        <h1 id="not-allowed-title">Not allowed</h1>
        <p>Promotion between environments writes flags: it is for admin tokens.</p>
        <p>
          <Link href="/environments">Back to the environments</Link>
        </p>
      </section>
    );

  // A preview stands for the selection it was made with: changing the selection puts it away.
  const change = (patch: Partial<PromotionSelection>) => {
    setSelection((now) => ({ ...now, ...patch }));
    setPreview(undefined);
    setConflict(undefined);
    setProblems({});
  };

  const failed = (err: unknown, request: PromotionRequest | undefined) => {
    if (!(err instanceof ApiError)) {
      setProblems({ general: err instanceof Error ? err.message : String(err) });
      return;
    }
    const mismatch = conflictOf(err);
    if (mismatch) setConflict(mismatch);
    else setProblems({ [fieldOf(err, request)]: err.message });
  };

  const previewNow = async (request: PromotionRequest) => {
    setBusy(true);
    setProblems({});
    setConflict(undefined);
    setApplied(undefined);
    try {
      const { promote } = await run(PromoteDocument, { ...request, dryRun: true });
      setPreview({ request, promotion: promote });
    } catch (err) {
      setPreview(undefined);
      failed(err, request);
    } finally {
      setBusy(false);
    }
  };

  const submitPreview = (event: FormEvent) => {
    event.preventDefault();
    const asked = requestOf(selection);
    if ('problem' in asked) setProblems({ [asked.field]: asked.problem });
    else void previewNow(asked.request);
  };

  const apply = async () => {
    if (!preview) return;
    setBusy(true);
    setProblems({});
    try {
      const { promote } = await run(PromoteDocument, {
        ...preview.request,
        expectedVersions: expectedVersionsOf(preview.promotion.flags),
        comment: commentOf(comment),
      });
      setApplied(promote);
      setPreview(undefined);
      setComment('');
    } catch (err) {
      failed(err, preview.request);
    } finally {
      setBusy(false);
    }
  };

  const changed = preview?.promotion.flags.filter((flag) => flag.status === 'CHANGED').length ?? 0;
  const appliedChanged = applied?.flags.filter((flag) => flag.revision !== null) ?? [];
  return (
    <>
      <h1>Promote between environments</h1>
      <p className="muted">
        Copies each flag's configuration (switch, targets, rules, rollouts, fallthrough) from one environment
        to another. Preview first; applying writes exactly what the preview showed.{' '}
        <Link href="/environments">All environments</Link>
      </p>
      <form className="promotion" onSubmit={submitPreview} noValidate aria-label="What to promote">
        <EnvironmentChoice
          side="from"
          label="From"
          keys={keys}
          value={selection.from}
          problem={problems.from}
          onChange={(key) => change({ from: key })}
        />
        <EnvironmentChoice
          side="to"
          label="To"
          keys={keys}
          value={selection.to}
          problem={problems.to}
          onChange={(key) => change({ to: key })}
        />
        <fieldset>
          <legend>Flags</legend>
          <span className="serve-mode">
            <label>
              <input
                type="radio"
                name="promotion-by"
                checked={selection.by === 'prefix'}
                onChange={() => change({ by: 'prefix' })}
              />
              every flag under a key prefix
            </label>
            <label>
              <input
                type="radio"
                name="promotion-by"
                checked={selection.by === 'flags'}
                onChange={() => change({ by: 'flags' })}
              />
              these flags
            </label>
          </span>
          {selection.by === 'prefix' ? (
            <label>
              Key prefix (empty: every flag)
              <input
                type="text"
                spellCheck={false}
                autoComplete="off"
                placeholder="checkout."
                value={selection.prefix}
                onChange={(e) => change({ prefix: e.currentTarget.value })}
                aria-describedby="promotion-selection-problem"
                aria-invalid={problems.selection !== undefined}
              />
            </label>
          ) : (
            <FlagPicker
              flags={list.flags}
              loaded={list.loaded}
              chosen={selection.keys}
              onChange={(keys) => change({ keys })}
              problemId="promotion-selection-problem"
            />
          )}
          <FieldProblem id="promotion-selection-problem" text={problems.selection} />
        </fieldset>
        <button type="submit" className="primary" disabled={busy}>
          Preview
        </button>
      </form>
      <p className="field-error" role="alert">
        {problems.general ?? ''}
      </p>
      {conflict && (
        <ConflictNotice conflict={conflict} onPreview={() => preview && void previewNow(preview.request)} />
      )}
      {applied && (
        <section className="notice promoted" role="status" aria-labelledby="promotion-done-title">
          <h2 id="promotion-done-title">
            Promoted {appliedChanged.length} {appliedChanged.length === 1 ? 'flag' : 'flags'} from{' '}
            {applied.from} to {applied.to}
          </h2>
          <p>
            {statusCounts(applied)}.{' '}
            <Link href={`/history?environment=${encodeURIComponent(applied.to)}`}>
              History of {applied.to}
            </Link>
          </p>
          <PromotionFlags promotion={applied} conflicted={undefined} />
        </section>
      )}
      {preview && (
        <section className="promotion-preview" aria-labelledby="promotion-preview-title">
          <h2 id="promotion-preview-title">
            Preview: {preview.promotion.from} → {preview.promotion.to}
          </h2>
          <p>{statusCounts(preview.promotion) || 'No flags.'}</p>
          <PromotionFlags promotion={preview.promotion} conflicted={conflict?.key} />
          {changed > 0 ? (
            <div className="apply">
              <CommentField id="promotion-comment" value={comment} onChange={setComment} />
              <button
                type="button"
                className="primary"
                disabled={busy || conflict !== undefined}
                onClick={apply}
              >
                Apply: promote {changed} {changed === 1 ? 'flag' : 'flags'} to {preview.promotion.to}
              </button>
            </div>
          ) : (
            <p className="muted">Nothing to apply: {preview.promotion.to} already matches.</p>
          )}
        </section>
      )}
    </>
  );
}

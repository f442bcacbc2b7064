import { FlagDefinition } from '@flagwire/core';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { ApiError } from '../../api/graphql';
import { useSession } from '../../api/session-context';
import { CommentField, commentOf } from '../../comment-field';
import {
  DeleteFlagDocument,
  EditorChoicesDocument,
  type EditorChoicesQuery,
  FlagDetailDocument,
  type FlagDocumentFragment,
  ReplaceFlagDocument,
} from '../../generated/graphql';
import { useLatestChange } from '../change-authors';
import { useFlagListStore } from '../flag-list-context';
import { type Conflict, ConflictPanel } from './conflict-panel';
import { FlagForm, type Saved } from './flag-form';
import { type FormProblem, type FlagForm as FormValues, toForm } from './form-model';
import { mergeDocuments } from './merge';
import { fieldOfPath } from './server-paths';

/** The version the form started from: saves are guarded by it. */
interface Base {
  flag: FlagDocumentFragment;
  definition: FlagDefinition;
}

function parseDefinition(flag: FlagDocumentFragment): FlagDefinition {
  const parsed = FlagDefinition.safeParse(flag.definition);
  if (!parsed.success)
    throw new Error(`the service sent a flag document this console cannot read: ${parsed.error.message}`);
  return parsed.data;
}

/**
 * One flag: its document in a form (flag-form.tsx), saved whole with `replaceFlag` guarded by the version
 * it was loaded at. A refused save (VERSION_MISMATCH) shows what the other writer changed and lets the
 * user redo their change on top of it (merge.ts); validation issues go next to the fields they name.
 */
export default function FlagEditorPage({ flagKey }: { flagKey: string }) {
  const key = decodeURIComponent(flagKey);
  const { run, viewer, live } = useSession();
  const store = useFlagListStore();
  const [, setLocation] = useLocation();
  const [base, setBase] = useState<Base | 'missing'>();
  const [choices, setChoices] = useState<EditorChoicesQuery>();
  const [initial, setInitial] = useState<FormValues>();
  const [merged, setMerged] = useState<string[]>();
  const [conflict, setConflict] = useState<Conflict>();
  const [problems, setProblems] = useState<FormProblem[]>([]);
  const [status, setStatus] = useState<string>();
  const [newer, setNewer] = useState<number>();
  const [loadError, setLoadError] = useState<string>();
  const [comment, setComment] = useState('');
  // Who changed it last, for admins (the history is theirs only).
  const latest = useLatestChange(key, viewer.canWrite);

  const environments = useMemo(
    () => (viewer.environment ? [viewer.environment] : (choices?.environments.map((e) => e.key) ?? [])),
    [viewer.environment, choices],
  );

  const load = useCallback(async () => {
    try {
      const [detail, editorChoices] = await Promise.all([
        run(FlagDetailDocument, { key }),
        run(EditorChoicesDocument, {}),
      ]);
      setChoices(editorChoices);
      if (!detail.flag) {
        setBase('missing');
        return;
      }
      const next = { flag: detail.flag, definition: parseDefinition(detail.flag) };
      const envKeys = viewer.environment
        ? [viewer.environment]
        : editorChoices.environments.map((e) => e.key);
      setBase(next);
      setInitial(toForm(next.definition, envKeys));
      setNewer(undefined);
    } catch (err) {
      setLoadError(err instanceof Error ? err.message : String(err));
    }
  }, [run, key, viewer.environment]);

  useEffect(() => {
    setBase(undefined);
    setConflict(undefined);
    setMerged(undefined);
    void load();
  }, [load]);

  // Someone else's change while the form is open: say so now, not only when saving.
  const baseVersion = typeof base === 'object' ? base.flag.version : undefined;
  useEffect(
    () =>
      live.subscribe(
        (change) => {
          if (
            change.entity === 'FLAG' &&
            change.key === key &&
            baseVersion !== undefined &&
            change.version > baseVersion
          )
            setNewer((seen) => Math.max(seen ?? 0, change.version));
        },
        () => {},
      ),
    [live, key, baseVersion],
  );

  if (loadError)
    return (
      <p className="field-error" role="alert">
        Could not load {key}: {loadError}
      </p>
    );
  if (base === 'missing')
    return (
      <>
        <h1>No flag {key}</h1>
        <p>
          <Link href="/">Back to the flags</Link>
        </p>
      </>
    );
  if (!base || !initial || !choices) return <p className="loading">Loading {key}…</p>;

  const save = async (values: FormValues, definition: unknown): Promise<Saved> => {
    setStatus(undefined);
    setProblems([]);
    store.expectOwnWrite(key);
    try {
      const { replaceFlag } = await run(ReplaceFlagDocument, {
        key,
        definition,
        expectedVersion: base.flag.version,
        comment: commentOf(comment),
      });
      const next = { flag: replaceFlag.flag, definition: parseDefinition(replaceFlag.flag) };
      setBase(next);
      setInitial(toForm(next.definition, environments));
      setMerged(undefined);
      setNewer(undefined);
      setComment('');
      setStatus(`Saved: version ${replaceFlag.flag.version}.`);
      return 'saved';
    } catch (err) {
      store.ownWriteFailed(key);
      if (err instanceof ApiError && err.code === 'VERSION_MISMATCH') {
        const { flag } = await run(FlagDetailDocument, { key });
        if (!flag) {
          setStatus('Someone else deleted this flag meanwhile: nothing was saved.');
          return 'refused';
        }
        setConflict({
          baseVersion: base.flag.version,
          base: base.definition,
          mine: definition,
          currentVersion: flag.version,
          current: parseDefinition(flag),
        });
        return 'refused';
      }
      if (err instanceof ApiError && err.issues.length > 0) {
        setProblems(
          err.issues.map((issue) => ({
            name: fieldOfPath(issue.path, values),
            message: `${issue.path || 'document'}: ${issue.message}`,
          })),
        );
        setStatus(`Not saved: ${err.message}`);
        return 'refused';
      }
      setStatus(`Not saved: ${err instanceof Error ? err.message : String(err)}`);
      return 'refused';
    }
  };

  const redo = async () => {
    if (!conflict) return;
    const { flag } = await run(FlagDetailDocument, { key });
    if (!flag) return;
    const current = parseDefinition(flag);
    const result = mergeDocuments(conflict.base, conflict.mine, current);
    const mergedDefinition = FlagDefinition.safeParse(result.merged);
    setBase({ flag, definition: current });
    setInitial(toForm(mergedDefinition.success ? mergedDefinition.data : current, environments));
    setMerged(result.conflicts);
    setConflict(undefined);
    setNewer(undefined);
    setStatus(`Your change is redone on top of version ${flag.version}: review it, then save.`);
  };

  const remove = async () => {
    if (!window.confirm(`Delete flag ${key}? Every environment loses it.`)) return;
    store.expectOwnWrite(key);
    try {
      await run(DeleteFlagDocument, { key, expectedVersion: base.flag.version, comment: commentOf(comment) });
      setLocation('/');
    } catch (err) {
      store.ownWriteFailed(key);
      setStatus(`Not deleted: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  return (
    <>
      <p className="breadcrumb">
        <Link href="/">Flags</Link> / {key}
      </p>
      <h1>
        {key} <span className="version">version {base.flag.version}</span>
      </h1>
      <p className="muted last-change-line">
        Last change{' '}
        <time dateTime={base.flag.updatedAt}>{new Date(base.flag.updatedAt).toLocaleString()}</time>
        {latest?.revision === base.flag.revision && (
          <>
            {' '}
            by <strong className="actor">{latest.actor}</strong>
            {latest.comment !== null && <> ({latest.comment})</>}
          </>
        )}
        {!viewer.canWrite && ' · read-only: this token may not change flags'}
        {viewer.canWrite && (
          <>
            {' · '}
            <Link href={`/flags/${encodeURIComponent(key)}/history`}>History of {key}</Link>
          </>
        )}
      </p>
      {newer !== undefined && !conflict && (
        <p className="notice" role="status">
          Someone else changed this flag (now version {newer}). Saving will show what they changed first;{' '}
          <button type="button" className="link" onClick={() => void load()}>
            load their version
          </button>{' '}
          to drop your edits.
        </p>
      )}
      {conflict && (
        <ConflictPanel
          conflict={conflict}
          onRedo={() => void redo()}
          onDiscard={() => {
            setConflict(undefined);
            void load();
          }}
        />
      )}
      {merged && merged.length > 0 && (
        <div className="notice" role="status">
          Both of you changed: {merged.join(', ')}. Your values are kept; check them before saving.
        </div>
      )}
      <FlagForm
        key={`${base.flag.version}-${merged ? 'merged' : 'loaded'}`}
        flagKey={key}
        initial={initial}
        environments={environments}
        segments={choices.segments.map((s) => s.key)}
        flags={choices.flags}
        readOnly={!viewer.canWrite}
        problems={problems}
        status={status}
        dirtyFromStart={merged !== undefined}
        comment={<CommentField id="save-comment" value={comment} onChange={setComment} />}
        onSave={save}
      />
      {viewer.canWrite && (
        <p className="danger-zone">
          <button type="button" className="danger" onClick={() => void remove()}>
            Delete flag {key}
          </button>
        </p>
      )}
    </>
  );
}

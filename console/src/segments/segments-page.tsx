import { useCallback, useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link } from 'wouter';
import { ApiError } from '../api/graphql';
import { useSession } from '../api/session-context';
import { commentOf } from '../comment-field';
import {
  CreateSegmentDocument,
  DeleteSegmentDocument,
  ReplaceSegmentDocument,
  type SegmentItemFragment,
  SegmentListDocument,
} from '../generated/graphql';

interface Fields {
  key: string;
  description: string;
  /** One targeting key per line. */
  included: string;
  excluded: string;
  /** The rules as JSON: `[{"clauses": [...]}]` (OR-ed; each an AND of clauses). */
  rules: string;
  /** Why: kept in the change's audit entry. */
  comment: string;
}

interface SegmentDocument {
  description?: string;
  included?: string[];
  excluded?: string[];
  rules?: unknown[];
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

function fieldsOf(segment: SegmentItemFragment | undefined): Fields {
  const doc = (segment?.definition ?? {}) as SegmentDocument;
  return {
    key: segment?.key ?? '',
    description: doc.description ?? '',
    included: (doc.included ?? []).join('\n'),
    excluded: (doc.excluded ?? []).join('\n'),
    rules: JSON.stringify(doc.rules ?? [], null, 2),
    comment: '',
  };
}

/** The service's issue paths (`included[3]`, `rules[0].clauses[1].op`) by the form field that edits them. */
const fieldOfPath = (path: string): keyof Fields => {
  const top = /^[a-z]+/i.exec(path)?.[0];
  return top === 'key' || top === 'description' || top === 'included' || top === 'excluded' || top === 'rules'
    ? top
    : 'rules';
};

function SegmentForm({ segment, onDone }: { segment: SegmentItemFragment | undefined; onDone: () => void }) {
  const { run, viewer } = useSession();
  const { register, handleSubmit, setError, formState } = useForm<Fields>({
    defaultValues: fieldsOf(segment),
  });
  const save = handleSubmit(async (fields) => {
    let rules: unknown;
    try {
      rules = JSON.parse(fields.rules || '[]');
      if (!Array.isArray(rules)) throw new Error('must be a JSON array');
    } catch (err) {
      setError('rules', { message: `Rules: ${err instanceof Error ? err.message : String(err)}` });
      return;
    }
    const document = {
      key: fields.key.trim(),
      description: fields.description,
      included: lines(fields.included),
      excluded: lines(fields.excluded),
      rules,
    };
    try {
      if (segment)
        await run(ReplaceSegmentDocument, {
          key: segment.key,
          segment: document,
          expectedVersion: segment.version,
          comment: commentOf(fields.comment),
        });
      else await run(CreateSegmentDocument, { segment: document, comment: commentOf(fields.comment) });
      onDone();
    } catch (err) {
      if (err instanceof ApiError && err.issues.length > 0)
        for (const issue of err.issues)
          setError(fieldOfPath(issue.path), { message: `${issue.path}: ${issue.message}` });
      else if (err instanceof ApiError && err.code === 'VERSION_MISMATCH')
        setError('root', {
          message:
            'Someone else changed this segment meanwhile: close and open it again to see their version.',
        });
      else setError('root', { message: err instanceof Error ? err.message : String(err) });
    }
  });
  const error = (name: keyof Fields) => formState.errors[name]?.message;
  const field = (name: keyof Fields, label: string, multiline: boolean) => {
    const id = `segment-${name}`;
    const common = {
      id,
      spellCheck: false,
      'aria-invalid': error(name) ? true : undefined,
      'aria-describedby': `${id}-error`,
    };
    return (
      <span className="field">
        <label htmlFor={id}>{label}</label>
        {multiline ? (
          <textarea
            rows={name === 'rules' ? 6 : 3}
            className={name === 'rules' ? 'json' : undefined}
            {...common}
            {...register(name)}
          />
        ) : (
          <input
            type="text"
            readOnly={name === 'key' && segment !== undefined}
            {...common}
            {...register(name, name === 'key' ? { required: 'A segment needs a key' } : {})}
          />
        )}
        <span id={`${id}-error`} className="field-error" role="alert">
          {error(name)}
        </span>
      </span>
    );
  };
  return (
    <form
      onSubmit={save}
      noValidate
      className="segment-form"
      aria-label={segment ? `Segment ${segment.key}` : 'New segment'}
    >
      <fieldset disabled={!viewer.canWrite}>
        <legend>{segment ? `Segment ${segment.key} (version ${segment.version})` : 'New segment'}</legend>
        {field('key', 'Key', false)}
        {field('description', 'Description', false)}
        {field('included', 'Included targeting keys (one per line)', true)}
        {field('excluded', 'Excluded targeting keys (one per line; excluded wins)', true)}
        {field(
          'rules',
          'Rules (JSON: [{"clauses": [{"attribute": "plan", "op": "in", "values": ["pro"]}]}])',
          true,
        )}
        {field('comment', 'Comment (optional, shown in the history)', false)}
      </fieldset>
      <p className="field-error" role="alert">
        {formState.errors.root?.message}
      </p>
      {viewer.canWrite && (
        <p>
          <button type="submit" className="primary" disabled={formState.isSubmitting}>
            {segment ? 'Save segment' : 'Create segment'}
          </button>{' '}
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        </p>
      )}
    </form>
  );
}

/** Segments: list, create, edit (version-guarded), delete (refused while a flag uses it). */
export default function SegmentsPage() {
  const { run, viewer, live } = useSession();
  const [segments, setSegments] = useState<readonly SegmentItemFragment[]>();
  const [editing, setEditing] = useState<string | 'new'>();
  const [problem, setProblem] = useState<string>();
  const load = useCallback(
    () => run(SegmentListDocument, {}).then((data) => setSegments(data.segments)),
    [run],
  );
  useEffect(() => {
    void load();
    return live.subscribe(
      (change) => change.entity === 'SEGMENT' && void load(),
      () => void load(),
    );
  }, [load, live]);

  const remove = async (segment: SegmentItemFragment) => {
    if (!window.confirm(`Delete segment ${segment.key}?`)) return;
    try {
      await run(DeleteSegmentDocument, { key: segment.key, expectedVersion: segment.version });
      setProblem(undefined);
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <>
      <h1>Segments</h1>
      {viewer.canWrite && editing === undefined && (
        <button type="button" onClick={() => setEditing('new')}>
          New segment
        </button>
      )}
      {editing === 'new' && <SegmentForm segment={undefined} onDone={() => setEditing(undefined)} />}
      <p className="field-error" role="alert">
        {problem ?? ''}
      </p>
      {!segments ? (
        <p className="loading">Loading segments…</p>
      ) : segments.length === 0 ? (
        <p className="muted">No segments yet.</p>
      ) : (
        <ul className="cards">
          {segments.map((segment) => {
            const doc = segment.definition as SegmentDocument;
            return (
              <li key={segment.key} className="card">
                {editing === segment.key ? (
                  <SegmentForm segment={segment} onDone={() => setEditing(undefined)} />
                ) : (
                  <>
                    <h2>{segment.key}</h2>
                    {segment.description && <p>{segment.description}</p>}
                    <p className="muted">
                      {doc.included?.length ?? 0} included · {doc.excluded?.length ?? 0} excluded ·{' '}
                      {doc.rules?.length ?? 0} rules · version {segment.version}
                    </p>
                    <p>
                      <button type="button" onClick={() => setEditing(segment.key)}>
                        {viewer.canWrite ? `Edit ${segment.key}` : `View ${segment.key}`}
                      </button>{' '}
                      {viewer.canWrite && (
                        <button type="button" className="danger" onClick={() => void remove(segment)}>
                          Delete {segment.key}
                        </button>
                      )}{' '}
                      {viewer.canWrite && (
                        <Link href={`/segments/${encodeURIComponent(segment.key)}/history`}>
                          History of {segment.key}
                        </Link>
                      )}
                    </p>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}

import { useCallback, useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link } from 'wouter';
import { useSession } from '../api/session-context';
import { commentOf } from '../comment-field';
import {
  CreateEnvironmentDocument,
  type EnvironmentFieldsFragment,
  EnvironmentListDocument,
  UpdateEnvironmentDocument,
} from '../generated/graphql';

interface Fields {
  key: string;
  description: string;
  /** Why: kept in the change's audit entry. */
  comment: string;
}

function EnvironmentForm({
  environment,
  onDone,
}: {
  environment: EnvironmentFieldsFragment | undefined;
  onDone: () => void;
}) {
  const { run } = useSession();
  const { register, handleSubmit, setError, formState } = useForm<Fields>({
    defaultValues: { key: environment?.key ?? '', description: environment?.description ?? '', comment: '' },
  });
  const save = handleSubmit(async ({ key, description, comment }) => {
    try {
      if (environment)
        await run(UpdateEnvironmentDocument, {
          key: environment.key,
          input: { description },
          comment: commentOf(comment),
        });
      else
        await run(CreateEnvironmentDocument, {
          input: { key: key.trim(), description },
          comment: commentOf(comment),
        });
      onDone();
    } catch (err) {
      setError(environment ? 'description' : 'key', {
        message: err instanceof Error ? err.message : String(err),
      });
    }
  });
  const id = environment ? `env-${environment.key}` : 'env-new';
  return (
    <form
      onSubmit={save}
      noValidate
      className="inline-form"
      aria-label={environment ? `Environment ${environment.key}` : 'New environment'}
    >
      {!environment && (
        <label>
          Key
          <input
            type="text"
            spellCheck={false}
            aria-describedby={`${id}-key-error`}
            {...register('key', { required: 'An environment needs a key' })}
          />
          <span id={`${id}-key-error`} className="field-error" role="alert">
            {formState.errors.key?.message}
          </span>
        </label>
      )}
      <label>
        Description
        <input
          type="text"
          aria-describedby={`${id}-description-error`}
          {...register('description', { maxLength: { value: 1000, message: 'At most 1000 characters' } })}
        />
        <span id={`${id}-description-error`} className="field-error" role="alert">
          {formState.errors.description?.message}
        </span>
      </label>
      <label>
        Comment (optional, shown in the history)
        <input type="text" maxLength={500} autoComplete="off" {...register('comment')} />
      </label>
      <button type="submit" className="primary" disabled={formState.isSubmitting}>
        {environment ? 'Save' : 'Create environment'}
      </button>
      {environment && (
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      )}
    </form>
  );
}

/** Environments: list, create, describe; and, for admins, the way to promotion between them. */
export default function EnvironmentsPage() {
  const { run, viewer, live } = useSession();
  const [environments, setEnvironments] = useState<readonly EnvironmentFieldsFragment[]>();
  const [editing, setEditing] = useState<string>();
  const load = useCallback(
    () => run(EnvironmentListDocument, {}).then((data) => setEnvironments(data.environments)),
    [run],
  );
  useEffect(() => {
    void load();
    // Environments travel the change feed as records of their own, not as flag or segment events:
    // re-read when the live connection comes back, and after each write of this page.
    return live.subscribe(
      () => {},
      () => void load(),
    );
  }, [load, live]);
  const done = () => {
    setEditing(undefined);
    void load();
  };
  return (
    <>
      <h1>Environments</h1>
      {viewer.canWrite && (
        <p>
          <Link href="/environments/promote" className="button">
            Promote flags between environments
          </Link>{' '}
          <span className="muted">copy configuration from one to another, with a diff preview first</span>
        </p>
      )}
      {viewer.canWrite && (
        <EnvironmentForm key={`new-${environments?.length ?? 0}`} environment={undefined} onDone={done} />
      )}
      {!environments ? (
        <p className="loading">Loading environments…</p>
      ) : (
        <ul className="cards">
          {environments.map((environment) => (
            <li key={environment.key} className="card">
              <h2>{environment.key}</h2>
              {editing === environment.key ? (
                <EnvironmentForm environment={environment} onDone={done} />
              ) : (
                <>
                  <p>{environment.description || <span className="muted">No description.</span>}</p>
                  {viewer.canWrite && (
                    <>
                      <button type="button" onClick={() => setEditing(environment.key)}>
                        Edit {environment.key}
                      </button>{' '}
                      <Link href={`/history?environment=${encodeURIComponent(environment.key)}`}>
                        History of {environment.key}
                      </Link>
                    </>
                  )}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

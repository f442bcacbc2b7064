import { useForm } from 'react-hook-form';
import { useLocation } from 'wouter';
import { ApiError } from '../api/graphql';
import { useSession } from '../api/session-context';
import { commentOf } from '../comment-field';
import { CreateFlagDocument, type FlagType, ReplaceFlagDocument } from '../generated/graphql';
import { useFlagListStore } from './flag-list-context';

interface Fields {
  key: string;
  type: FlagType;
  description: string;
  /** Why: kept in the change's audit entry. */
  comment: string;
}

/** Two variants to start from, for each type (a boolean flag gets the service's own `on`/`off`). */
const STARTING_VARIANTS: Record<Exclude<FlagType, 'boolean'>, Record<string, unknown>> = {
  string: { control: 'control', treatment: 'treatment' },
  number: { low: 0, high: 1 },
  object: { off: {}, on: { enabled: true } },
};

/**
 * Creates a flag (`createFlag`: never overwrites one that exists), then, for a type other than boolean,
 * gives it two variants of that type (`replaceFlag` guarded by version 1), and opens it in the editor.
 */
export function CreateFlagForm({ environments }: { environments: readonly string[] }) {
  const { run } = useSession();
  const store = useFlagListStore();
  const [, setLocation] = useLocation();
  const { register, handleSubmit, formState, setError, reset } = useForm<Fields>({
    defaultValues: { key: '', type: 'boolean', description: '', comment: '' },
  });

  const create = async ({ key, type, description, comment }: Fields) => {
    store.expectOwnWrite(key);
    try {
      const { createFlag } = await run(CreateFlagDocument, {
        input: { key, description },
        comment: commentOf(comment),
      });
      if (type !== 'boolean') {
        const variants = STARTING_VARIANTS[type];
        const first = Object.keys(variants)[0] as string;
        store.expectOwnWrite(key);
        await run(ReplaceFlagDocument, {
          key,
          expectedVersion: createFlag.version,
          definition: {
            key,
            description,
            type,
            variants,
            tags: [],
            environments: Object.fromEntries(
              environments.map((environment) => [
                environment,
                { enabled: false, offVariant: first, fallthrough: { variant: first } },
              ]),
            ),
          },
        });
      }
      reset();
      setLocation(`/flags/${encodeURIComponent(key)}`);
    } catch (err) {
      store.ownWriteFailed(key);
      const field = err instanceof ApiError && err.code === 'FLAG_ALREADY_EXISTS' ? 'key' : 'root';
      const message = err instanceof Error ? err.message : String(err);
      if (field === 'key') setError('key', { message });
      else if (err instanceof ApiError && err.issues[0]?.path === 'key') setError('key', { message });
      else setError('root', { message });
    }
  };

  return (
    <details className="create-flag">
      <summary>New flag</summary>
      <form onSubmit={handleSubmit(create)} noValidate aria-label="New flag">
        <label>
          Key
          <input
            type="text"
            spellCheck={false}
            autoComplete="off"
            aria-invalid={formState.errors.key ? true : undefined}
            aria-describedby="new-flag-key-error"
            {...register('key', {
              required: 'A flag needs a key',
              pattern: {
                value: /^[A-Za-z0-9][A-Za-z0-9._:-]*$/,
                message: "Letters, digits, '.', '_', '-' or ':', starting with a letter or digit",
              },
              maxLength: { value: 128, message: 'At most 128 characters' },
            })}
          />
        </label>
        <span id="new-flag-key-error" className="field-error" role="alert">
          {formState.errors.key?.message}
        </span>
        <label>
          Type
          <select {...register('type')}>
            <option value="boolean">boolean</option>
            <option value="string">string</option>
            <option value="number">number</option>
            <option value="object">object (JSON)</option>
          </select>
        </label>
        <label>
          Description
          <input type="text" {...register('description', { maxLength: 1000 })} />
        </label>
        <label>
          Comment (optional, shown in the history)
          <input type="text" maxLength={500} autoComplete="off" {...register('comment')} />
        </label>
        <button type="submit" disabled={formState.isSubmitting}>
          Create flag
        </button>
        <span className="field-error" role="alert">
          {formState.errors.root?.message}
        </span>
      </form>
    </details>
  );
}

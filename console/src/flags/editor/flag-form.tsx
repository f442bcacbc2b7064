import { type ReactNode, useMemo } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { EnvironmentEditor, type FlagChoice } from './environment-editor';
import { FieldError, type FieldIssues, FieldIssuesProvider, useFieldIssue } from './field-issues';
import { type FormProblem, type FlagForm as FormValues, fromForm } from './form-model';
import { VariantsEditor } from './variants-editor';

export type Saved = 'saved' | 'refused';

function issuesByField(problems: readonly FormProblem[]): FieldIssues {
  const map = new Map<string, string[]>();
  for (const { name, message } of problems) map.set(name, [...(map.get(name) ?? []), message]);
  return map;
}

function Described({
  name,
  label,
  children,
}: {
  name: 'description' | 'tags' | 'type';
  label: string;
  children: (props: { id: string } & object) => React.ReactNode;
}) {
  const issue = useFieldIssue(name);
  const id = `flag-${name}`;
  return (
    <span className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, ...issue.inputProps })}
      <FieldError id={issue.id} message={issue.message} />
    </span>
  );
}

/**
 * The flag document as a form (react-hook-form): description, type, tags, variants, and each
 * environment. Submitting turns it back into a document (form-model.ts) for `onSave`.
 */
export function FlagForm({
  flagKey,
  initial,
  environments,
  segments,
  flags,
  readOnly,
  problems,
  status,
  dirtyFromStart,
  comment,
  onSave,
}: {
  flagKey: string;
  initial: FormValues;
  environments: readonly string[];
  segments: readonly string[];
  flags: readonly FlagChoice[];
  readOnly: boolean;
  problems: readonly FormProblem[];
  status: string | undefined;
  dirtyFromStart: boolean;
  /** The comment field for the save (the editor page holds its text). */
  comment?: ReactNode;
  onSave: (values: FormValues, definition: unknown) => Promise<Saved>;
}) {
  const { control, register, handleSubmit, setValue, formState, setError } = useForm<FormValues>({
    defaultValues: initial,
    mode: 'onBlur',
  });
  const variantRows = useWatch({ control, name: 'variants' });
  const variants = useMemo(
    () => (variantRows ?? []).map((v) => v.name).filter((name) => name !== ''),
    [variantRows],
  );
  const issues = useMemo(() => issuesByField(problems), [problems]);
  const variantErrors = Object.fromEntries(
    (formState.errors.variants ?? []).flatMap?.((e, i) =>
      e?.value?.message ? [[i, e.value.message]] : [],
    ) ?? [],
  ) as Record<number, string | undefined>;

  const submit = handleSubmit(async (values) => {
    const result = fromForm(flagKey, values);
    if (result.problems.length > 0) {
      for (const problem of result.problems)
        setError(problem.name as 'description', { message: problem.message });
      return;
    }
    if ('definition' in result) await onSave(values, result.definition);
  });

  const environmentList = useWatch({ control, name: 'environments' }) ?? [];
  return (
    <FieldIssuesProvider value={issues}>
      <datalist id="known-attributes">
        <option value="targetingKey" />
        <option value="email" />
        <option value="plan" />
        <option value="country" />
        <option value="appVersion" />
      </datalist>
      <form className="flag-form" onSubmit={submit} noValidate aria-label={`Flag ${flagKey}`}>
        {problems.length > 0 && (
          <div className="error-summary" role="alert">
            <h2>The service refused this document</h2>
            <ul>
              {problems.map((p) => (
                <li key={`${p.name}:${p.message}`}>{p.message}</li>
              ))}
            </ul>
          </div>
        )}
        <fieldset disabled={readOnly} className="whole">
          <legend className="visually-hidden">Flag {flagKey}</legend>
          <section className="basics" aria-label="Description, type and tags">
            <Described name="description" label="Description">
              {(props) => <input type="text" {...props} {...register('description')} />}
            </Described>
            <Described name="type" label="Type">
              {(props) => (
                <select {...props} {...register('type')}>
                  <option value="boolean">boolean</option>
                  <option value="string">string</option>
                  <option value="number">number</option>
                  <option value="object">object (JSON)</option>
                </select>
              )}
            </Described>
            <Described name="tags" label="Tags (comma-separated)">
              {(props) => <input type="text" spellCheck={false} {...props} {...register('tags')} />}
            </Described>
          </section>
          <VariantsEditor control={control} register={register} errors={variantErrors} />
          <div className="environments">
            {environmentList.map((env, index) => (
              <EnvironmentEditor
                key={env.environment}
                env={index}
                environment={env.environment}
                flagKey={flagKey}
                variants={variants}
                segments={segments}
                flags={flags}
                control={control}
                register={register}
                setValue={setValue}
              />
            ))}
          </div>
          {environments.length === 0 && <p className="muted">No environments visible.</p>}
        </fieldset>
        {!readOnly && (
          <div className="save-bar">
            {comment}
            <button
              type="submit"
              className="primary"
              disabled={formState.isSubmitting || (!formState.isDirty && !dirtyFromStart)}
            >
              Save
            </button>
            <span role="status" className="status">
              {status ?? (formState.isDirty || dirtyFromStart ? 'Unsaved changes' : '')}
            </span>
          </div>
        )}
        {readOnly && status && <p role="status">{status}</p>}
      </form>
    </FieldIssuesProvider>
  );
}

import { useMemo, useState } from 'react';
import { useFieldArray, useForm } from 'react-hook-form';
import { Link } from 'wouter';
import { useSession } from '../api/session-context';
import { useFlagList } from '../flags/flag-list-context';
import { EvaluateAllDocument, type EvaluateAllQuery } from '../generated/graphql';
import { bucketText, decidedBy } from './decision-text';

interface Fields {
  mode: 'fields' | 'json';
  environment: string;
  attributes: { name: string; value: string }[];
  json: string;
}

/** A field's text as a context value: JSON when it reads as JSON (`42`, `true`, `["a"]`), else the text. */
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function contextOf(fields: Fields): { context: Record<string, unknown> } | { problem: string } {
  if (fields.mode === 'json') {
    try {
      const parsed: unknown = JSON.parse(fields.json);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        return { problem: 'The context must be a JSON object, e.g. {"targetingKey": "user-7"}' };
      return { context: parsed as Record<string, unknown> };
    } catch (err) {
      return { problem: `Not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  const context: Record<string, unknown> = {};
  for (const { name, value } of fields.attributes) {
    if (!name.trim()) continue;
    // targetingKey is a string by definition, even when it looks like a number.
    context[name.trim()] = name.trim() === 'targetingKey' ? value : parseValue(value);
  }
  return { context };
}

/**
 * For a context: what every flag serves, the variant, the reason, and what decided (the rule, target or
 * prerequisite; for a rollout, the bucket drawn). The service evaluates (`evaluateAll`), with the
 * evaluator the SDKs use. `asOf` (what the context got at an earlier time) comes with the audit history.
 */
export default function PlaygroundPage() {
  const { run, viewer } = useSession();
  const list = useFlagList();
  const environments = viewer.environment ? [viewer.environment] : list.environments.map((e) => e.key);
  const { register, control, handleSubmit, watch, formState } = useForm<Fields>({
    defaultValues: {
      mode: 'fields',
      environment: viewer.environment ?? 'production',
      attributes: [
        { name: 'targetingKey', value: 'user-7' },
        { name: 'plan', value: 'pro' },
      ],
      json: '{\n  "targetingKey": "user-7",\n  "plan": "pro"\n}',
    },
  });
  const { fields, append, remove } = useFieldArray({ control, name: 'attributes' });
  const [result, setResult] = useState<{ environment: string; rows: EvaluateAllQuery['evaluateAll'] }>();
  const [problem, setProblem] = useState<string>();
  const [only, setOnly] = useState('');
  const mode = watch('mode');
  const byKey = useMemo(() => new Map(list.flags.map((f) => [f.key, f])), [list.flags]);

  const evaluate = handleSubmit(async (fieldsNow) => {
    const parsed = contextOf(fieldsNow);
    if ('problem' in parsed) {
      setProblem(parsed.problem);
      return;
    }
    setProblem(undefined);
    try {
      const { evaluateAll } = await run(EvaluateAllDocument, {
        context: parsed.context,
        environment: fieldsNow.environment,
      });
      setResult({ environment: fieldsNow.environment, rows: evaluateAll });
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    }
  });

  const rows = result?.rows.filter((row) => row.key.includes(only.trim())) ?? [];
  return (
    <>
      <h1>Playground</h1>
      <form className="playground" onSubmit={evaluate} noValidate aria-label="Evaluation context">
        <label>
          Environment
          <select {...register('environment')}>
            {environments.map((e) => (
              <option key={e} value={e}>
                {e}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="serve-mode">
          <legend>Context as</legend>
          <label className="inline">
            <input type="radio" value="fields" {...register('mode')} /> fields
          </label>
          <label className="inline">
            <input type="radio" value="json" {...register('mode')} /> JSON
          </label>
        </fieldset>
        {mode === 'json' ? (
          <label>
            Context (JSON object)
            <textarea
              rows={6}
              className="json"
              spellCheck={false}
              aria-describedby="context-problem"
              {...register('json')}
            />
          </label>
        ) : (
          <fieldset className="attributes">
            <legend>Attributes (values that read as JSON are JSON: 42, true, ["a"])</legend>
            {fields.map((field, index) => (
              <p key={field.id} className="attribute">
                <input
                  type="text"
                  aria-label={`Name of attribute ${index + 1}`}
                  spellCheck={false}
                  {...register(`attributes.${index}.name`)}
                />
                <input
                  type="text"
                  aria-label={`Value of attribute ${index + 1}`}
                  spellCheck={false}
                  {...register(`attributes.${index}.value`)}
                />
                <button
                  type="button"
                  onClick={() => remove(index)}
                  aria-label={`Remove attribute ${index + 1}`}
                >
                  Remove
                </button>
              </p>
            ))}
            <button type="button" onClick={() => append({ name: '', value: '' })}>
              Add attribute
            </button>
          </fieldset>
        )}
        <p id="context-problem" className="field-error" role="alert">
          {problem ?? ''}
        </p>
        <button type="submit" className="primary" disabled={formState.isSubmitting}>
          Evaluate every flag
        </button>
      </form>
      {result && (
        <section aria-label="Results">
          <h2>
            {result.rows.length} flags in {result.environment}
          </h2>
          <label>
            Show flags whose key contains
            <input type="search" value={only} onChange={(e) => setOnly(e.currentTarget.value)} />
          </label>
          <table className="results">
            <thead>
              <tr>
                <th scope="col">Flag</th>
                <th scope="col">Value</th>
                <th scope="col">Variant</th>
                <th scope="col">Reason</th>
                <th scope="col">Decided by</th>
              </tr>
            </thead>
            <tbody>
              {rows.slice(0, 500).map((row) => (
                <tr key={row.key} data-flag={row.key}>
                  <th scope="row">
                    <Link href={`/flags/${encodeURIComponent(row.key)}`}>{row.key}</Link>
                  </th>
                  <td>
                    <code>
                      {row.value === null || row.value === undefined
                        ? '(caller default)'
                        : JSON.stringify(row.value)}
                    </code>
                  </td>
                  <td>{row.variant ?? '—'}</td>
                  <td>
                    {row.reason}
                    {row.errorCode && (
                      <span className="field-error">
                        {' '}
                        {row.errorCode}: {row.errorDetails}
                      </span>
                    )}
                  </td>
                  <td className="decided-by">
                    {decidedBy(row.decision)}
                    {row.decision?.rollout && (
                      <span className="bucket">
                        {bucketText(
                          row.decision.rollout,
                          byKey.get(row.key),
                          result.environment,
                          row.decision,
                        )}
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}

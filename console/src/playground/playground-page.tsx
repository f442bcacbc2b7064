import { useEffect, useMemo, useRef, useState } from 'react';
import { useFieldArray, useForm } from 'react-hook-form';
import { useLocation, useSearch } from 'wouter';
import { ApiError } from '../api/graphql';
import { useSession } from '../api/session-context';
import { useFlagList } from '../flags/flag-list-context';
import {
  EvaluateAllAsOfDocument,
  EvaluateAllDocument,
  type EvaluationRowFragment,
  type FlagRolloutsFragment,
} from '../generated/graphql';
import { type AsOfChoice, asOfArgument, asOfProblem, choiceOf } from './as-of';
import { AsOfField, type AsOfFieldProblem } from './as-of-field';
import { type AnsweredPoint, HistoryPointText } from './history-point';
import { ResultsTable } from './results-table';

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

/** An answer: the rows, where they were evaluated, on which flags, and (`asOf`) at which revision. */
interface Result {
  readonly environment: string;
  readonly rows: readonly EvaluationRowFragment[];
  readonly flags: ReadonlyMap<string, FlagRolloutsFragment>;
  readonly point: AnsweredPoint | undefined;
}

const byKeyOf = (flags: readonly FlagRolloutsFragment[]) => new Map(flags.map((f) => [f.key, f]));

/**
 * For a context: what every flag serves, the variant, the reason, and what decided (the rule, target or
 * prerequisite; for a rollout, the bucket drawn). The service evaluates (`evaluateAll`), with the
 * evaluator the SDKs use. As of a revision or a time, it shows what the context got then, and which
 * revision that is (`historyPoint`); `?asOf=` in the URL (a history entry's link) opens it there.
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
  const [result, setResult] = useState<Result>();
  const [problem, setProblem] = useState<string>();
  const [only, setOnly] = useState('');
  const mode = watch('mode');
  const currentFlags = useMemo(() => byKeyOf(list.flags), [list.flags]);
  const search = useSearch();
  const [, setLocation] = useLocation();
  // The URL's asOf is read once, when the page opens; from then on the field is the truth.
  const [linked] = useState(() => choiceOf(new URLSearchParams(search).get('asOf')));
  const [asOf, setAsOf] = useState<AsOfChoice>(linked);
  const [asOfTrouble, setAsOfTrouble] = useState<AsOfFieldProblem>();

  const evaluate = handleSubmit(async (fieldsNow) => {
    const parsed = contextOf(fieldsNow);
    const moment = asOfArgument(asOf);
    setProblem('problem' in parsed ? parsed.problem : undefined);
    setAsOfTrouble('problem' in moment ? { text: moment.problem } : undefined);
    if ('problem' in parsed || 'problem' in moment) return;
    const { environment } = fieldsNow;
    try {
      if (moment.asOf === undefined) {
        const { evaluateAll } = await run(EvaluateAllDocument, { context: parsed.context, environment });
        setResult({ environment, rows: evaluateAll, flags: currentFlags, point: undefined });
      } else {
        const answer = await run(EvaluateAllAsOfDocument, {
          context: parsed.context,
          environment,
          asOf: moment.asOf,
        });
        const askedTime = asOf.mode === 'time' ? moment.asOf : undefined;
        setResult({
          environment,
          rows: answer.evaluateAll,
          flags: byKeyOf(answer.flags),
          point: { ...answer.historyPoint, askedTime },
        });
      }
      // The moment shown goes in the URL, so the view can be linked (and reloaded) as it is.
      const query = moment.asOf === undefined ? '' : `?asOf=${encodeURIComponent(moment.asOf)}`;
      setLocation(`/playground${query}`, { replace: true });
    } catch (err) {
      setResult(undefined);
      const aboutAsOf = err instanceof ApiError && moment.asOf !== undefined ? asOfProblem(err) : undefined;
      if (aboutAsOf) setAsOfTrouble(aboutAsOf);
      else setProblem(err instanceof Error ? err.message : String(err));
    }
  });
  // Opened from a link with `asOf` (a history entry's "as of this revision"): show that moment at once.
  const openedAt = useRef(false);
  useEffect(() => {
    if (openedAt.current || linked.mode === 'now') return;
    openedAt.current = true;
    void evaluate();
  }, [evaluate, linked]);

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
        <AsOfField
          choice={asOf}
          onChange={(choice) => {
            setAsOf(choice);
            // The refusal was of the moment asked for: another moment has not been asked yet.
            setAsOfTrouble(undefined);
          }}
          problem={asOfTrouble}
        />
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
            {result.rows.length} {result.rows.length === 1 ? 'flag' : 'flags'} in {result.environment}
            {result.point ? ` as of revision ${result.point.revision}` : ''}
          </h2>
          {result.point && <HistoryPointText point={result.point} />}
          <label>
            Show flags whose key contains
            <input type="search" value={only} onChange={(e) => setOnly(e.currentTarget.value)} />
          </label>
          <ResultsTable rows={rows} environment={result.environment} flags={result.flags} />
        </section>
      )}
    </>
  );
}

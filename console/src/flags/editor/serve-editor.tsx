import {
  type Control,
  type UseFormRegister,
  type UseFormSetValue,
  useFieldArray,
  useWatch,
} from 'react-hook-form';
import { formatPercent } from '../targeting-summary';
import { FieldError, useFieldIssue } from './field-issues';
import { DEFAULT_ROLLOUT_TOTAL, type FlagForm } from './form-model';
import { removeWeight, setWeight, totalOf } from './rollout-weights';

/** Where a serve sits in the form: a rule's or the fallthrough of one environment. */
export type ServePath = `environments.${number}.rules.${number}.serve` | `environments.${number}.fallthrough`;

interface Props {
  path: ServePath;
  /** For labels: "Rule 1 in production", "Fallthrough in staging". */
  label: string;
  variants: readonly string[];
  control: Control<FlagForm>;
  register: UseFormRegister<FlagForm>;
  setValue: UseFormSetValue<FlagForm>;
}

/**
 * Rollout weights: a slider and a number per variant, in the rollout's order. Moving one moves the
 * others (rollout-weights.ts), so the weights always add up to the rollout's total, shown as 100%.
 */
function RolloutEditor({ path, label, variants, control, register, setValue }: Props) {
  const { fields, append } = useFieldArray({ control, name: `${path}.weights` });
  const weights = useWatch({ control, name: `${path}.weights` }) ?? [];
  const total = totalOf(weights) || DEFAULT_ROLLOUT_TOTAL;
  const issue = useFieldIssue(`${path}.weights`);
  const missing = variants.filter((v) => !weights.some((w) => w.variant === v));

  const change = (index: number, value: number) => {
    const next = setWeight(
      weights.map((w) => Number(w.weight) || 0),
      index,
      value,
      total,
    );
    for (const [i, weight] of next.entries())
      setValue(`${path}.weights.${i}.weight`, weight, { shouldDirty: true });
  };
  const drop = (index: number) => {
    const next = removeWeight(
      weights.map((w) => Number(w.weight) || 0),
      index,
      total,
    );
    setValue(
      `${path}.weights`,
      weights.filter((_, i) => i !== index).map((w, i) => ({ variant: w.variant, weight: next[i] ?? 0 })),
      { shouldDirty: true },
    );
  };

  return (
    <div className="rollout">
      <div className="rollout-bar" aria-hidden="true">
        {weights.map((w, i) => (
          <span
            key={w.variant}
            className={`slice slice-${i % 6}`}
            style={{ flexGrow: Number(w.weight) || 0 }}
          >
            {w.variant}
          </span>
        ))}
      </div>
      <table className="weights">
        <caption className="visually-hidden">Rollout of {label}</caption>
        <thead>
          <tr>
            <th scope="col">Variant</th>
            <th scope="col">Share</th>
            <th scope="col">Weight</th>
            <th scope="col">
              <span className="visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {fields.map((field, index) => {
            const weight = Number(weights[index]?.weight) || 0;
            const name = `${label}: ${weights[index]?.variant ?? field.variant}`;
            return (
              <tr key={field.id}>
                <th scope="row">{weights[index]?.variant ?? field.variant}</th>
                <td>
                  <input
                    type="range"
                    min={0}
                    max={total}
                    step={1}
                    value={weight}
                    aria-label={`Share of ${name}`}
                    aria-valuetext={formatPercent((weight * 100) / total)}
                    onChange={(e) => change(index, Number(e.currentTarget.value))}
                  />
                  <output>{formatPercent((weight * 100) / total)}</output>
                </td>
                <td>
                  <input
                    type="number"
                    min={0}
                    max={total}
                    step={1}
                    className="weight"
                    aria-label={`Weight of ${name} (of ${total})`}
                    value={weight}
                    onChange={(e) => change(index, Number(e.currentTarget.value))}
                  />
                </td>
                <td>
                  {fields.length > 1 && (
                    <button
                      type="button"
                      onClick={() => drop(index)}
                      aria-label={`Remove ${name} from the rollout`}
                    >
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td>100%</td>
            <td>{total}</td>
            <td />
          </tr>
        </tfoot>
      </table>
      <FieldError id={issue.id} message={issue.message} />
      {missing.length > 0 && (
        <p className="add-weight">
          {missing.map((variant) => (
            <button key={variant} type="button" onClick={() => append({ variant, weight: 0 })}>
              Add {variant} to the rollout
            </button>
          ))}
        </p>
      )}
      <details className="rollout-options">
        <summary>Bucketing</summary>
        <label>
          Bucket by attribute
          <input
            type="text"
            placeholder="targetingKey"
            spellCheck={false}
            {...register(`${path}.bucketBy`)}
          />
        </label>
        <label>
          Seed
          <input type="text" placeholder="the flag's key" spellCheck={false} {...register(`${path}.seed`)} />
        </label>
      </details>
    </div>
  );
}

/** What a rule or the fallthrough serves: one variant, or a percentage rollout. */
export function ServeEditor(props: Props) {
  const { path, label, variants, control, register } = props;
  const mode = useWatch({ control, name: `${path}.mode` });
  const variantIssue = useFieldIssue(`${path}.variant`);
  return (
    <fieldset className="serve">
      <legend>{label}: serve</legend>
      <div className="serve-mode" role="radiogroup" aria-label={`${label}: what to serve`}>
        <label>
          <input type="radio" value="variant" {...register(`${path}.mode`)} /> one variant
        </label>
        <label>
          <input type="radio" value="rollout" {...register(`${path}.mode`)} /> a percentage rollout
        </label>
      </div>
      {mode === 'rollout' ? (
        <RolloutEditor {...props} />
      ) : (
        <>
          <label htmlFor={`${path}.variant`}>Variant</label>
          <select id={`${path}.variant`} {...variantIssue.inputProps} {...register(`${path}.variant`)}>
            {variants.map((variant) => (
              <option key={variant} value={variant}>
                {variant}
              </option>
            ))}
          </select>
          <FieldError id={variantIssue.id} message={variantIssue.message} />
        </>
      )}
    </fieldset>
  );
}

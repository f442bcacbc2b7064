import { OPERATORS, type Operator } from '@flagwire/core';
import { type Control, type UseFormRegister, useWatch } from 'react-hook-form';
import { FieldError, useFieldIssue } from './field-issues';
import type { FlagForm } from './form-model';

/** Every operator of @flagwire/core (operators.ts), in words, with what its values are. */
export const OPERATOR_TEXT: Record<Operator, { label: string; values: string }> = {
  in: { label: 'is one of', values: 'one value per line' },
  notIn: { label: 'is none of', values: 'one value per line' },
  startsWith: { label: 'starts with', values: 'one prefix per line' },
  endsWith: { label: 'ends with', values: 'one suffix per line' },
  contains: { label: 'contains', values: 'one text per line' },
  matches: { label: 'matches (RE2 regular expression)', values: 'one pattern per line' },
  lt: { label: '<', values: 'one number per line' },
  lte: { label: '≤', values: 'one number per line' },
  gt: { label: '>', values: 'one number per line' },
  gte: { label: '≥', values: 'one number per line' },
  before: { label: 'is before (date)', values: 'ISO-8601 dates or epoch milliseconds, one per line' },
  after: { label: 'is after (date)', values: 'ISO-8601 dates or epoch milliseconds, one per line' },
  semverEq: { label: 'is version', values: 'one semantic version per line, e.g. 1.2.3' },
  semverLt: { label: 'is a version before', values: 'one semantic version per line' },
  semverGt: { label: 'is a version after', values: 'one semantic version per line' },
  exists: { label: 'is present', values: 'no values' },
  segmentMatch: { label: 'is in segment', values: 'segments' },
};

type ClausePath = `environments.${number}.rules.${number}.clauses.${number}`;

/** One condition: attribute, operator, values (or segments), negation. */
export function ClauseEditor({
  path,
  label,
  segments,
  control,
  register,
  onRemove,
}: {
  path: ClausePath;
  label: string;
  segments: readonly string[];
  control: Control<FlagForm>;
  register: UseFormRegister<FlagForm>;
  onRemove: (() => void) | undefined;
}) {
  const op = useWatch({ control, name: `${path}.op` });
  const attribute = useFieldIssue(`${path}.attribute`);
  const opIssue = useFieldIssue(`${path}.op`);
  const values = useFieldIssue(`${path}.values`);
  return (
    <fieldset className="clause">
      <legend>{label}</legend>
      {op !== 'segmentMatch' && (
        <label>
          Attribute
          <input
            type="text"
            list="known-attributes"
            spellCheck={false}
            {...attribute.inputProps}
            {...register(`${path}.attribute`)}
          />
          <FieldError id={attribute.id} message={attribute.message} />
        </label>
      )}
      <label htmlFor={`${path}.op`}>Operator</label>
      <span className="field">
        <select id={`${path}.op`} {...opIssue.inputProps} {...register(`${path}.op`)}>
          {OPERATORS.map((operator) => (
            <option key={operator} value={operator}>
              {OPERATOR_TEXT[operator].label}
            </option>
          ))}
        </select>
        <FieldError id={opIssue.id} message={opIssue.message} />
      </span>
      {op === 'segmentMatch' ? (
        <fieldset className="segments-choice" {...values.inputProps}>
          <legend>Segments</legend>
          {segments.length === 0 && <p className="muted">No segments yet: create one under Segments.</p>}
          {segments.map((segment) => (
            <label key={segment}>
              <input type="checkbox" value={segment} {...register(`${path}.segments`)} /> {segment}
            </label>
          ))}
          <FieldError id={values.id} message={values.message} />
        </fieldset>
      ) : op === 'exists' ? null : (
        <label>
          Values <span className="hint">({OPERATOR_TEXT[op ?? 'in'].values})</span>
          <textarea rows={2} spellCheck={false} {...values.inputProps} {...register(`${path}.values`)} />
          <FieldError id={values.id} message={values.message} />
        </label>
      )}
      <label className="inline">
        <input type="checkbox" {...register(`${path}.negate`)} /> not (negate)
      </label>
      {onRemove && (
        <button type="button" onClick={onRemove} aria-label={`Remove ${label}`}>
          Remove condition
        </button>
      )}
    </fieldset>
  );
}

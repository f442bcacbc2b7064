import { type Control, type UseFormRegister, type UseFormSetValue, useFieldArray } from 'react-hook-form';
import { ClauseEditor } from './clause-editor';
import { FieldError, useFieldIssue } from './field-issues';
import { type FlagForm, newClause, newRule } from './form-model';
import { ServeEditor } from './serve-editor';

interface Common {
  env: number;
  environment: string;
  variants: readonly string[];
  segments: readonly string[];
  control: Control<FlagForm>;
  register: UseFormRegister<FlagForm>;
  setValue: UseFormSetValue<FlagForm>;
}

function RuleEditor({
  rule,
  count,
  move,
  remove,
  ...common
}: Common & { rule: number; count: number; move: (from: number, to: number) => void; remove: () => void }) {
  const { env, environment, control, register } = common;
  const {
    fields,
    append,
    remove: removeClause,
  } = useFieldArray({
    control,
    name: `environments.${env}.rules.${rule}.clauses`,
  });
  const label = `Rule ${rule + 1} in ${environment}`;
  const id = useFieldIssue(`environments.${env}.rules.${rule}.id`);
  const whole = useFieldIssue(`environments.${env}.rules.${rule}`);
  return (
    <li className="rule">
      <fieldset>
        <legend>{label}</legend>
        <div className="rule-tools">
          <button
            type="button"
            disabled={rule === 0}
            onClick={() => move(rule, rule - 1)}
            aria-label={`Move ${label} up`}
          >
            ↑
          </button>
          <button
            type="button"
            disabled={rule === count - 1}
            onClick={() => move(rule, rule + 1)}
            aria-label={`Move ${label} down`}
          >
            ↓
          </button>
          <button type="button" onClick={remove} aria-label={`Remove ${label}`}>
            Remove rule
          </button>
        </div>
        <label>
          Rule id (optional, names it in evaluations)
          <input
            type="text"
            spellCheck={false}
            {...id.inputProps}
            {...register(`environments.${env}.rules.${rule}.id`)}
          />
          <FieldError id={id.id} message={id.message} />
        </label>
        <label>
          Description
          <input type="text" {...register(`environments.${env}.rules.${rule}.description`)} />
        </label>
        <p className="hint">All conditions must hold:</p>
        {fields.map((field, clause) => (
          <ClauseEditor
            key={field.id}
            path={`environments.${env}.rules.${rule}.clauses.${clause}`}
            label={`Condition ${clause + 1} of ${label}`}
            segments={common.segments}
            control={control}
            register={register}
            onRemove={fields.length > 1 ? () => removeClause(clause) : undefined}
          />
        ))}
        <button type="button" onClick={() => append(newClause())}>
          Add condition to {label.toLowerCase()}
        </button>
        <ServeEditor {...common} path={`environments.${env}.rules.${rule}.serve`} label={label} />
        <FieldError id={whole.id} message={whole.message} />
      </fieldset>
    </li>
  );
}

/** The environment's rules, in order (the first that matches decides): add, remove, reorder. */
export function RulesEditor(common: Common) {
  const { fields, append, remove, move } = useFieldArray({
    control: common.control,
    name: `environments.${common.env}.rules`,
  });
  return (
    <section className="rules" aria-label={`Rules in ${common.environment}`}>
      <h4>Rules</h4>
      {fields.length === 0 && <p className="muted">No rules: everyone not targeted gets the fallthrough.</p>}
      <ol>
        {fields.map((field, rule) => (
          <RuleEditor
            key={field.id}
            {...common}
            rule={rule}
            count={fields.length}
            move={move}
            remove={() => remove(rule)}
          />
        ))}
      </ol>
      <button type="button" onClick={() => append(newRule(common.variants))}>
        Add rule in {common.environment}
      </button>
    </section>
  );
}

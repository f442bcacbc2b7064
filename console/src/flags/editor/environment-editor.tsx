import {
  type Control,
  type UseFormRegister,
  type UseFormSetValue,
  useFieldArray,
  useWatch,
} from 'react-hook-form';
import { FieldError, useFieldIssue } from './field-issues';
import type { FlagForm } from './form-model';
import { RulesEditor } from './rules-editor';
import { ServeEditor } from './serve-editor';

export interface FlagChoice {
  key: string;
  variants: readonly { name: string }[];
}

interface Props {
  env: number;
  environment: string;
  flagKey: string;
  variants: readonly string[];
  segments: readonly string[];
  flags: readonly FlagChoice[];
  control: Control<FlagForm>;
  register: UseFormRegister<FlagForm>;
  setValue: UseFormSetValue<FlagForm>;
}

function VariantSelect({
  name,
  label,
  variants,
  register,
}: {
  name: `environments.${number}.offVariant` | `environments.${number}.targets.${number}.variant`;
  label: string;
  variants: readonly string[];
  register: UseFormRegister<FlagForm>;
}) {
  const issue = useFieldIssue(name);
  return (
    <span className="field">
      <label htmlFor={name}>{label}</label>
      <select id={name} {...issue.inputProps} {...register(name)}>
        {variants.map((variant) => (
          <option key={variant} value={variant}>
            {variant}
          </option>
        ))}
      </select>
      <FieldError id={issue.id} message={issue.message} />
    </span>
  );
}

function Targets({ env, environment, variants, control, register }: Props) {
  const { fields, append, remove } = useFieldArray({ control, name: `environments.${env}.targets` });
  return (
    <section aria-label={`Individual targets in ${environment}`}>
      <h4>Individual targets</h4>
      {fields.length === 0 && <p className="muted">None.</p>}
      <ul>
        {fields.map((field, index) => (
          <TargetRow
            key={field.id}
            env={env}
            index={index}
            environment={environment}
            variants={variants}
            register={register}
            onRemove={() => remove(index)}
          />
        ))}
      </ul>
      <button type="button" onClick={() => append({ variant: variants[0] ?? '', values: '' })}>
        Add target in {environment}
      </button>
    </section>
  );
}

function TargetRow({
  env,
  index,
  environment,
  variants,
  register,
  onRemove,
}: {
  env: number;
  index: number;
  environment: string;
  variants: readonly string[];
  register: UseFormRegister<FlagForm>;
  onRemove: () => void;
}) {
  const values = useFieldIssue(`environments.${env}.targets.${index}.values`);
  const label = `Target ${index + 1} in ${environment}`;
  return (
    <li className="target">
      <VariantSelect
        name={`environments.${env}.targets.${index}.variant`}
        label={`${label}: variant`}
        variants={variants}
        register={register}
      />
      <label>
        {label}: targeting keys (one per line)
        <textarea
          rows={2}
          spellCheck={false}
          {...values.inputProps}
          {...register(`environments.${env}.targets.${index}.values`)}
        />
        <FieldError id={values.id} message={values.message} />
      </label>
      <button type="button" onClick={onRemove} aria-label={`Remove ${label}`}>
        Remove
      </button>
    </li>
  );
}

function PrerequisiteRow({
  env,
  index,
  environment,
  flags,
  control,
  register,
  onRemove,
}: Props & { index: number; onRemove: () => void }) {
  const chosen = useWatch({ control, name: `environments.${env}.prerequisites.${index}.flag` });
  const flag = useFieldIssue(`environments.${env}.prerequisites.${index}.flag`);
  const variants = useFieldIssue(`environments.${env}.prerequisites.${index}.variants`);
  const label = `Prerequisite ${index + 1} in ${environment}`;
  return (
    <li className="prerequisite">
      <label htmlFor={`environments.${env}.prerequisites.${index}.flag`}>{label}: flag</label>
      <span className="field">
        <select
          id={`environments.${env}.prerequisites.${index}.flag`}
          {...flag.inputProps}
          {...register(`environments.${env}.prerequisites.${index}.flag`)}
        >
          {flags.map((f) => (
            <option key={f.key} value={f.key}>
              {f.key}
            </option>
          ))}
        </select>
        <FieldError id={flag.id} message={flag.message} />
      </span>
      <fieldset {...variants.inputProps}>
        <legend>{label}: must serve one of</legend>
        {(flags.find((f) => f.key === chosen)?.variants ?? []).map((v) => (
          <label key={v.name} className="inline">
            <input
              type="checkbox"
              value={v.name}
              {...register(`environments.${env}.prerequisites.${index}.variants`)}
            />{' '}
            {v.name}
          </label>
        ))}
        <FieldError id={variants.id} message={variants.message} />
      </fieldset>
      <button type="button" onClick={onRemove} aria-label={`Remove ${label}`}>
        Remove
      </button>
    </li>
  );
}

function Prerequisites(props: Props) {
  const { env, environment, flags, flagKey, control } = props;
  const { fields, append, remove } = useFieldArray({ control, name: `environments.${env}.prerequisites` });
  const others = flags.filter((f) => f.key !== flagKey);
  return (
    <section aria-label={`Prerequisites in ${environment}`}>
      <h4>Prerequisites</h4>
      {fields.length === 0 && <p className="muted">None.</p>}
      <ul>
        {fields.map((field, index) => (
          <PrerequisiteRow
            key={field.id}
            {...props}
            flags={others}
            index={index}
            onRemove={() => remove(index)}
          />
        ))}
      </ul>
      {others.length > 0 && (
        <button type="button" onClick={() => append({ flag: others[0]?.key ?? '', variants: [] })}>
          Add prerequisite in {environment}
        </button>
      )}
    </section>
  );
}

/** One environment's decision: switch, off variant, prerequisites, targets, rules, fallthrough. */
export function EnvironmentEditor(props: Props) {
  const { env, environment, variants, control, register, setValue } = props;
  const configured = useWatch({ control, name: `environments.${env}.configured` });
  const enabled = useWatch({ control, name: `environments.${env}.enabled` });
  const issue = useFieldIssue(`environments.${env}`);
  const switchId = `enabled-${environment}`;
  return (
    <section className="environment" aria-labelledby={`env-${environment}`} data-environment={environment}>
      <h3 id={`env-${environment}`}>{environment}</h3>
      {!configured ? (
        <p>
          Not configured in {environment}: evaluations there answer the caller's default.{' '}
          <button
            type="button"
            onClick={() => setValue(`environments.${env}.configured`, true, { shouldDirty: true })}
          >
            Configure {environment}
          </button>
        </p>
      ) : (
        <>
          <p className="switch big">
            <input
              id={switchId}
              type="checkbox"
              role="switch"
              aria-checked={Boolean(enabled)}
              {...register(`environments.${env}.enabled`)}
            />
            <label htmlFor={switchId}>
              {environment}: {enabled ? 'on' : 'off'}
            </label>
          </p>
          <VariantSelect
            name={`environments.${env}.offVariant`}
            label="Served when off (off variant)"
            variants={variants}
            register={register}
          />
          <Prerequisites {...props} />
          <Targets {...props} />
          <RulesEditor {...props} />
          <ServeEditor
            {...props}
            path={`environments.${env}.fallthrough`}
            label={`Fallthrough in ${environment}`}
          />
        </>
      )}
      <FieldError id={issue.id} message={issue.message} />
    </section>
  );
}

import { type Control, type UseFormRegister, useFieldArray, useWatch } from 'react-hook-form';
import { FieldError, useFieldIssue } from './field-issues';
import { type FlagForm, parseVariant } from './form-model';

function VariantValue({
  index,
  register,
  control,
  clientError,
}: {
  index: number;
  register: UseFormRegister<FlagForm>;
  control: Control<FlagForm>;
  clientError: string | undefined;
}) {
  const type = useWatch({ control, name: 'type' });
  const name = `variants.${index}.value` as const;
  const issue = useFieldIssue(name, clientError);
  const field = register(name, {
    validate: (text) => {
      const parsed = parseVariant(type, text);
      return 'problem' in parsed ? `must be ${parsed.problem}` : true;
    },
  });
  const label = `Value of variant ${index + 1}`;
  return (
    <>
      {type === 'boolean' ? (
        <select aria-label={label} {...issue.inputProps} {...field}>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      ) : type === 'object' ? (
        <textarea
          aria-label={`${label} (JSON object)`}
          rows={3}
          spellCheck={false}
          className="json"
          {...issue.inputProps}
          {...field}
        />
      ) : (
        <input
          aria-label={label}
          type="text"
          inputMode={type === 'number' ? 'decimal' : 'text'}
          {...issue.inputProps}
          {...field}
        />
      )}
      <FieldError id={issue.id} message={issue.message} />
    </>
  );
}

/** The flag's variants: a name and a value of the flag's type each (a JSON editor for objects). */
export function VariantsEditor({
  control,
  register,
  errors,
}: {
  control: Control<FlagForm>;
  register: UseFormRegister<FlagForm>;
  errors: Record<number, string | undefined>;
}) {
  const { fields, append, remove } = useFieldArray({ control, name: 'variants' });
  const type = useWatch({ control, name: 'type' });
  const issue = useFieldIssue('variants');
  return (
    <fieldset className="variants">
      <legend>Variants</legend>
      <ol>
        {fields.map((field, index) => (
          <li key={field.id} className="variant">
            <input
              type="text"
              aria-label={`Name of variant ${index + 1}`}
              spellCheck={false}
              {...register(`variants.${index}.name`, { required: 'A variant needs a name' })}
            />
            <VariantValue index={index} register={register} control={control} clientError={errors[index]} />
            <button type="button" onClick={() => remove(index)} aria-label={`Remove variant ${index + 1}`}>
              Remove
            </button>
          </li>
        ))}
      </ol>
      <FieldError id={issue.id} message={issue.message} />
      <button
        type="button"
        onClick={() =>
          append({
            name: `variant-${fields.length + 1}`,
            value: type === 'boolean' ? 'false' : type === 'number' ? '0' : type === 'object' ? '{}' : '',
          })
        }
      >
        Add variant
      </button>
    </fieldset>
  );
}

import { ValidationError } from '../flags/errors.js';
import type { CreateFlagInput, FlagPatch } from '../flags/flag-service.js';
import type { InputMaybe, RolloutInput } from './generated.js';

/**
 * GraphQL lets a client send `null` for any optional input. For flag fields that would be ambiguous
 * (keep? clear?), so it is refused, like the REST API does; an omitted field stays omitted.
 */
function notNull<T>(value: InputMaybe<T> | undefined, field: string): T | undefined {
  if (value === null)
    throw new ValidationError(`'${field}' must not be null; omit it to leave it unset`, { field });
  return value;
}

interface FieldsInput {
  isEnabled?: InputMaybe<boolean>;
  description?: InputMaybe<string>;
}

export function toFlagInput(input: FieldsInput & { key: string }): CreateFlagInput {
  return { key: input.key, ...toPatchFields(input) };
}

/** A patch must change something, as `PATCH /feature-flags/:key` requires. */
export function toFlagPatch(patch: FieldsInput): FlagPatch {
  const fields = toPatchFields(patch);
  if (fields.isEnabled === undefined && fields.description === undefined) {
    throw new ValidationError("Give at least one of 'isEnabled' or 'description'", { field: 'patch' });
  }
  return fields;
}

/** An omitted or null `expectedVersion` means no precondition. */
export function toExpectedVersion(expectedVersion: InputMaybe<number> | undefined): number | undefined {
  return expectedVersion ?? undefined;
}

function toPatchFields(input: FieldsInput): FlagPatch {
  return {
    isEnabled: notNull(input.isEnabled, 'isEnabled'),
    description: notNull(input.description, 'description'),
  };
}

/** The rollout as the flag document spells it: omitted and null optional fields are left out. */
export function toRollout(input: RolloutInput): object {
  return {
    ...(input.bucketBy != null && { bucketBy: input.bucketBy }),
    ...(input.seed != null && { seed: input.seed }),
    weights: input.weights.map(({ variant, weight }) => ({ variant, weight })),
  };
}

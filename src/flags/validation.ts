import { hasForbiddenText } from '@flagwire/core';
import { ValidationError } from './errors.js';

export const MAX_KEY_LENGTH = 128;
export const MAX_DESCRIPTION_LENGTH = 1000;

/** Letters, digits, `.`, `_`, `-`, `:`; first character a letter or digit. */
const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
/** A prefix is the start of some key, so it may end anywhere but must not start with punctuation. */
const PREFIX_PATTERN = /^(?:[A-Za-z0-9][A-Za-z0-9._:-]*)?$/;
export function assertValidKey(key: unknown, field = 'key'): asserts key is string {
  if (typeof key !== 'string') throw new ValidationError(`'${field}' must be a string`, { field });
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new ValidationError(`'${field}' must be 1 to ${MAX_KEY_LENGTH} characters long`, { field });
  }
  if (!KEY_PATTERN.test(key)) {
    throw new ValidationError(
      `'${field}' may contain only letters, digits, '.', '_', '-' and ':', and must start with a letter or digit`,
      { field },
    );
  }
}

/**
 * Whether `text` is a valid prefix as it stands (no decoding, no error): the poll fast path checks raw
 * query values with it and leaves everything else to {@link normalizePrefix}.
 */
export function isValidPrefix(text: string): boolean {
  return text.length <= MAX_KEY_LENGTH && PREFIX_PATTERN.test(text);
}

/** An absent or empty prefix means "every flag". */
export function normalizePrefix(prefix: unknown): string {
  if (prefix === undefined || prefix === null) return '';
  if (typeof prefix !== 'string') throw new ValidationError(`'prefix' must be a string`, { field: 'prefix' });
  if (prefix.length > MAX_KEY_LENGTH) {
    throw new ValidationError(`'prefix' must be at most ${MAX_KEY_LENGTH} characters long`, {
      field: 'prefix',
    });
  }
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new ValidationError(`'prefix' may contain only characters allowed in a key`, { field: 'prefix' });
  }
  return prefix;
}

export function assertValidDescription(description: unknown): asserts description is string {
  if (typeof description !== 'string') {
    throw new ValidationError(`'description' must be a string`, { field: 'description' });
  }
  if (description.length > MAX_DESCRIPTION_LENGTH) {
    throw new ValidationError(`'description' must be at most ${MAX_DESCRIPTION_LENGTH} characters long`, {
      field: 'description',
    });
  }
  if (hasForbiddenText(description)) {
    throw new ValidationError(`'description' must not contain control characters or lone surrogates`, {
      field: 'description',
    });
  }
}

export function assertValidIsEnabled(isEnabled: unknown): asserts isEnabled is boolean {
  if (typeof isEnabled !== 'boolean') {
    throw new ValidationError(`'isEnabled' must be true or false`, { field: 'isEnabled' });
  }
}

export function assertValidExpectedVersion(version: unknown): asserts version is number | undefined {
  if (version === undefined) return;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    throw new ValidationError(`'expectedVersion' must be a positive integer`, { field: 'expectedVersion' });
  }
}

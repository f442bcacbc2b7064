/*
 * The one reading of clause values: for each operator, which values are acceptable and what they mean.
 * The evaluator compiles a clause's values through these readers (operators.ts), and write-time
 * validation asks the same readers about each value (clause-checks.ts), so a value validation accepts is
 * one the evaluator can use, read the same way. Validation adds only size limits on top (limits.ts).
 *
 * Values are typed like the attributes they compare with:
 * - `in`, `notIn`: strings or numbers, compared as text (`3` and `"3"` are the same value).
 * - `startsWith`, `endsWith`, `contains`, `semverEq/Lt/Gt`, `segmentMatch`: strings.
 * - `matches`: strings that compile as RE2 patterns within the regex limits (regex.ts).
 * - `lt`, `lte`, `gt`, `gte`: finite numbers (a numeric string is refused, as a numeric-string attribute
 *   does not match: `18`, not `"18"`).
 * - `before`, `after`: ISO-8601 strings or epoch milliseconds (dates.ts).
 * - `exists`: any values, ignored.
 */

import type { RE2JS } from 're2js';
import { parse as parseSemver, type SemVer } from 'semver';
import { parseDateValue } from './dates.js';
import type { Operator } from './definition.js';
import { DefinitionError } from './errors.js';
import { PatternError, regexFor } from './regex.js';

export type ClauseValue = string | number;

/** Why one clause value cannot be read by its operator: a validation issue code and a message about it. */
export interface ClauseValueProblem {
  code: 'INVALID_TYPE' | 'INVALID_DATE' | 'INVALID_SEMVER' | 'INVALID_REGEX' | 'TOO_LONG';
  /** Said of the value: "is not a semantic version (...)". */
  message: string;
}

/** A value its operator cannot read: a corrupt definition for the evaluator, an issue for validation. */
export class ClauseValueError extends DefinitionError {
  constructor(
    value: unknown,
    readonly problem: ClauseValueProblem,
  ) {
    super(`${JSON.stringify(value)} ${problem.message}`);
  }
}

function refuse(value: unknown, code: ClauseValueProblem['code'], message: string): never {
  throw new ClauseValueError(value, { code, message });
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** `in`, `notIn`: a string or a number, as its text (`String(3)` = "3"). */
export function readEqualityValue(op: Operator, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return refuse(value, 'INVALID_TYPE', `must be a string or a number for '${op}', not ${typeName(value)}`);
}

/** String operators, versions' and segments' keys: a string. */
export function readStringValue(op: Operator, value: unknown): string {
  if (typeof value === 'string') return value;
  return refuse(value, 'INVALID_TYPE', `must be a string for '${op}', not ${typeName(value)}`);
}

/** `lt`, `lte`, `gt`, `gte`: a finite number. */
export function readNumberValue(op: Operator, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return refuse(
    value,
    'INVALID_TYPE',
    `is not a number: '${op}' compares numbers, so write 18, not "18" (this is ${typeName(value)})`,
  );
}

/** `before`, `after`: epoch milliseconds of an ISO-8601 string or a number (see dates.ts). */
export function readDateValue(op: Operator, value: unknown): number {
  const ms = parseDateValue(value);
  if (ms !== undefined) return ms;
  if (typeof value === 'number')
    return refuse(value, 'INVALID_DATE', 'is outside the dates JavaScript can represent');
  if (typeof value !== 'string')
    return refuse(value, 'INVALID_TYPE', `must be a date string or epoch milliseconds for '${op}'`);
  return refuse(
    value,
    'INVALID_DATE',
    `is not a date for '${op}': write an ISO-8601 date (2026-03-01) or date-time with a zone (2026-03-01T09:30:00Z), or epoch milliseconds`,
  );
}

/**
 * `semverEq`, `semverLt`, `semverGt`: a semantic version as the `semver` package parses it (strict, not
 * loose): `1.2.3`, `1.2.3-beta.1`, `1.2.3+build`; a leading `v` (or `=`) and surrounding whitespace are
 * accepted, as `semver` does. `1.2` or `01.2.3` are not versions.
 */
export function readVersionValue(op: Operator, value: unknown): SemVer {
  const text = readStringValue(op, value);
  const version = parseSemver(text);
  if (version === null)
    return refuse(value, 'INVALID_SEMVER', 'is not a semantic version (such as 1.4.0 or 2.0.0-beta.1)');
  return version;
}

/** `matches`: an RE2 pattern within the regex limits, compiled (cached; see regex.ts). */
export function readPatternValue(op: Operator, value: unknown): RE2JS {
  const regex = regexFor(readStringValue(op, value));
  if (regex instanceof PatternError) return refuse(value, regex.code, regex.problem);
  return regex;
}

/** Each operator's reader; `exists` ignores its values. */
export const CLAUSE_VALUE_READERS: Readonly<Record<Operator, (op: Operator, value: unknown) => unknown>> = {
  in: readEqualityValue,
  notIn: readEqualityValue,
  startsWith: readStringValue,
  endsWith: readStringValue,
  contains: readStringValue,
  matches: readPatternValue,
  lt: readNumberValue,
  lte: readNumberValue,
  gt: readNumberValue,
  gte: readNumberValue,
  before: readDateValue,
  after: readDateValue,
  semverEq: readVersionValue,
  semverLt: readVersionValue,
  semverGt: readVersionValue,
  exists: () => undefined,
  segmentMatch: readStringValue,
};

/**
 * A clause's values read by `op`'s reader, in order; a value it cannot read throws a DefinitionError
 * naming its index (`values[2] "abc" is not a number: ...`).
 */
export function readClauseValues<T>(
  op: Operator,
  values: readonly unknown[],
  read: (op: Operator, value: unknown) => T,
): T[] {
  return values.map((value, index) => {
    try {
      return read(op, value);
    } catch (err) {
      if (err instanceof ClauseValueError) throw new DefinitionError(`values[${index}] ${err.message}`);
      throw err;
    }
  });
}

/** Why `value` cannot be a value of a clause with operator `op`, or undefined when it can. */
export function clauseValueProblem(op: Operator, value: unknown): ClauseValueProblem | undefined {
  const read = Object.hasOwn(CLAUSE_VALUE_READERS, op) ? CLAUSE_VALUE_READERS[op] : undefined;
  if (read === undefined)
    return { code: 'INVALID_TYPE', message: `has an unknown operator ${JSON.stringify(op)}` };
  try {
    read(op, value);
    return undefined;
  } catch (err) {
    if (err instanceof ClauseValueError) return err.problem;
    throw err;
  }
}

/**
 * Why `values` cannot be the values of a clause with operator `op` (the first value that cannot be
 * read, as the evaluator reads it), or undefined when they can.
 */
export function clauseValuesProblem(op: Operator, values: readonly unknown[]): string | undefined {
  for (const [index, value] of values.entries()) {
    const problem = clauseValueProblem(op, value);
    if (problem !== undefined) return `values[${index}] ${JSON.stringify(value)} ${problem.message}`;
  }
  return undefined;
}

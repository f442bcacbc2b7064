/*
 * The clause operators: how one context attribute compares with a clause's `values`.
 *
 * Common rules (applied by `clauseMatches` in clauses.ts, around these functions):
 * - Any one of `values` matching makes the clause match (except `notIn`: it matches when none does).
 * - A missing attribute (absent, `undefined` or `null`) matches nothing, except `exists`.
 * - An attribute of the wrong type for the operator is no match, never an error.
 * - `negate` inverts the clause's result, whatever it was: a negated clause on a missing or wrong-typed
 *   attribute matches.
 * - Which clause VALUES an operator accepts, and what they mean, is decided once, in clause-values.ts:
 *   these compilers read values through it, and so does validation. A value it cannot read (a bad
 *   regular expression, "abc" for `lt`, a date or version that does not parse) is a corrupt definition:
 *   validation refuses it at write time, and the evaluator answers the caller's default with
 *   PARSE_ERROR for every context (a clause's values are read once, when the clause is compiled,
 *   whatever the attribute).
 *
 * Each operator is a compiler: given the clause's values it returns a matcher for an attribute, so
 * values are parsed and patterns compiled once per clause, not once per evaluation.
 *
 * Nothing here uses a Node-only API: the same code runs in the service and in browsers.
 */
import { parse as parseSemver, type SemVer } from 'semver';
import { BoundedCache } from './bounded-cache.js';
import {
  type ClauseValue,
  readClauseValues,
  readDateValue,
  readEqualityValue,
  readNumberValue,
  readPatternValue,
  readStringValue,
  readVersionValue,
} from './clause-values.js';
import { parseDateValue } from './dates.js';
import type { JsonValue, Operator } from './definition.js';
import { MAX_MATCH_INPUT_LENGTH } from './limits.js';

export type { ClauseValue };
/** A present attribute (never `undefined` or `null`: those are "missing" and never reach an operator). */
export type AttributeValue = Exclude<JsonValue, null>;
export type ValueOperator = Exclude<Operator, 'segmentMatch' | 'exists'>;
/** A clause's operator with its values read: does this attribute match? */
export type AttributeMatcher = (attribute: AttributeValue) => boolean;

// ---------------------------------------------------------------------------------------------------
// Equality: in, notIn

/**
 * The text an attribute compares as for `in` / `notIn`: strings as they are, numbers in JavaScript's
 * shortest round-trip form (`String(3)` = "3", `String(1.5)` = "1.5", `String(1e21)` = "1e+21"), booleans
 * as "true" / "false". Objects and arrays have none (wrong type).
 */
function equalityText(value: AttributeValue): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
      return String(value);
    default:
      return undefined;
  }
}

/**
 * `in`: the attribute equals one of the values. Both sides compare by their text (see equalityText), so a
 * number attribute 3 matches the value 3 and the value "3", a string attribute "3" matches both too, and
 * `true` matches "true"; 3 does not match "3.0" or "03". Objects and arrays never match.
 */
export function compileIn(values: readonly ClauseValue[]): AttributeMatcher {
  const texts = new Set(readClauseValues('in', values, readEqualityValue));
  return (attribute) => {
    const text = equalityText(attribute);
    return text !== undefined && texts.has(text);
  };
}

/**
 * `notIn`: the attribute (of a comparable type, see compileIn) equals none of the values. A missing or
 * wrong-typed attribute does not match `notIn` either (negate `in` to match those too).
 */
export function compileNotIn(values: readonly ClauseValue[]): AttributeMatcher {
  const texts = new Set(readClauseValues('notIn', values, readEqualityValue));
  return (attribute) => {
    const text = equalityText(attribute);
    return text !== undefined && !texts.has(text);
  };
}

// ---------------------------------------------------------------------------------------------------
// Strings: startsWith, endsWith, contains, matches

function compileStringTest(
  op: Operator,
  values: readonly ClauseValue[],
  test: (attribute: string, value: string) => boolean,
): AttributeMatcher {
  const texts = readClauseValues(op, values, readStringValue);
  return (attribute) => {
    if (typeof attribute !== 'string') return false;
    for (const text of texts) if (test(attribute, text)) return true;
    return false;
  };
}

/** `startsWith`: a string attribute starts with one of the values (strings). Case-sensitive. */
export const compileStartsWith = (values: readonly ClauseValue[]) =>
  compileStringTest('startsWith', values, (a, v) => a.startsWith(v));
/** `endsWith`: a string attribute ends with one of the values. Case-sensitive. */
export const compileEndsWith = (values: readonly ClauseValue[]) =>
  compileStringTest('endsWith', values, (a, v) => a.endsWith(v));
/** `contains`: a string attribute contains one of the values as a substring. Case-sensitive. */
export const compileContains = (values: readonly ClauseValue[]) =>
  compileStringTest('contains', values, (a, v) => a.includes(v));

/**
 * `matches`: a string attribute matches one of the values as an RE2 regular expression (re2js: linear
 * time in the input, no backreferences or lookaround, so no catastrophic backtracking). The match is
 * unanchored, like RegExp.test: use `^...$` to match the whole attribute. Each pattern compiles once
 * (regex.ts: cached, with the limits validation applies). An attribute longer than
 * {@link MAX_MATCH_INPUT_LENGTH} characters does not match (see limits.ts for why not a truncated match).
 */
export function compileMatches(values: readonly ClauseValue[]): AttributeMatcher {
  const patterns = readClauseValues('matches', values, readPatternValue);
  return (attribute) => {
    if (typeof attribute !== 'string' || attribute.length > MAX_MATCH_INPUT_LENGTH) return false;
    for (const regex of patterns) if (regex.test(attribute)) return true;
    return false;
  };
}

// ---------------------------------------------------------------------------------------------------
// Numbers: lt, lte, gt, gte

function compileNumberTest(
  op: Operator,
  values: readonly ClauseValue[],
  holds: (attribute: number, value: number) => boolean,
): AttributeMatcher {
  const numbers = readClauseValues(op, values, readNumberValue);
  return (attribute) => {
    // The attribute must be a JSON number: a numeric string ("42") is a string and does not match, so
    // contexts stay typed and "10" vs "9" questions never arise.
    if (typeof attribute !== 'number' || !Number.isFinite(attribute)) return false;
    for (const value of numbers) if (holds(attribute, value)) return true;
    return false;
  };
}

/** `lt`: a number attribute is less than one of the values (numbers). */
export const compileLt = (values: readonly ClauseValue[]) => compileNumberTest('lt', values, (a, v) => a < v);
/** `lte`: a number attribute is less than or equal to one of the values. */
export const compileLte = (values: readonly ClauseValue[]) =>
  compileNumberTest('lte', values, (a, v) => a <= v);
/** `gt`: a number attribute is greater than one of the values. */
export const compileGt = (values: readonly ClauseValue[]) => compileNumberTest('gt', values, (a, v) => a > v);
/** `gte`: a number attribute is greater than or equal to one of the values. */
export const compileGte = (values: readonly ClauseValue[]) =>
  compileNumberTest('gte', values, (a, v) => a >= v);

// ---------------------------------------------------------------------------------------------------
// Dates: before, after

/** Epoch milliseconds of an ISO-8601 string or a number of epoch ms (dates.ts: the one date parser); else undefined. */
export function epochMillis(value: JsonValue): number | undefined {
  return parseDateValue(value);
}

function compileDateTest(
  op: Operator,
  values: readonly ClauseValue[],
  holds: (attribute: number, value: number) => boolean,
): AttributeMatcher {
  const instants = readClauseValues(op, values, readDateValue);
  return (attribute) => {
    const ms = parseDateValue(attribute);
    if (ms === undefined) return false;
    for (const value of instants) if (holds(ms, value)) return true;
    return false;
  };
}

/**
 * `before`: the attribute's instant is strictly before one of the values'. Attribute and values are
 * ISO-8601 strings (see dates.ts) or epoch milliseconds (numbers); any other attribute is no match.
 */
export const compileBefore = (values: readonly ClauseValue[]) =>
  compileDateTest('before', values, (a, v) => a < v);
/** `after`: the attribute's instant is strictly after one of the values'. */
export const compileAfter = (values: readonly ClauseValue[]) =>
  compileDateTest('after', values, (a, v) => a > v);

// ---------------------------------------------------------------------------------------------------
// Versions: semverEq, semverLt, semverGt

/** Parsed attribute versions, at most this many kept (app versions repeat across users). */
export const VERSION_CACHE_SIZE = 1000;
const versions = new BoundedCache<string, SemVer | null>(VERSION_CACHE_SIZE);

/**
 * A semantic version as the `semver` package parses it (strict, not loose): `1.2.3`, `1.2.3-beta.1`,
 * `1.2.3+build`; a leading `v` (or `=`) is accepted, as `semver` does (`v1.2.3` = `1.2.3`), and surrounding
 * whitespace is trimmed. `1.2`, `01.2.3` or a number are not versions.
 */
export function parseVersion(value: JsonValue): SemVer | null {
  if (typeof value !== 'string') return null;
  return versions.get(value, (text) => parseSemver(text));
}

/** semver precedence; the common release-vs-release case without semver's general (slower) path. */
export function compareVersions(a: SemVer, b: SemVer): number {
  if (a.major !== b.major) return a.major < b.major ? -1 : 1;
  if (a.minor !== b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch !== b.patch) return a.patch < b.patch ? -1 : 1;
  if (a.prerelease.length === 0 && b.prerelease.length === 0) return 0;
  return a.compare(b);
}

function compileVersionTest(
  op: Operator,
  values: readonly ClauseValue[],
  holds: (order: number) => boolean,
): AttributeMatcher {
  const wanted = readClauseValues(op, values, readVersionValue);
  return (attribute) => {
    const version = parseVersion(attribute);
    if (version === null) return false;
    for (const value of wanted) if (holds(compareVersions(version, value))) return true;
    return false;
  };
}

/**
 * `semverEq`: the attribute is the same version as one of the values, by semver precedence (build
 * metadata ignored: `1.2.3+a` equals `1.2.3`).
 */
export const compileSemverEq = (values: readonly ClauseValue[]) =>
  compileVersionTest('semverEq', values, (o) => o === 0);
/** `semverLt`: the attribute precedes one of the values (`1.2.3-beta` < `1.2.3` < `1.10.0`). */
export const compileSemverLt = (values: readonly ClauseValue[]) =>
  compileVersionTest('semverLt', values, (o) => o < 0);
/** `semverGt`: the attribute follows one of the values. */
export const compileSemverGt = (values: readonly ClauseValue[]) =>
  compileVersionTest('semverGt', values, (o) => o > 0);

// ---------------------------------------------------------------------------------------------------

/**
 * The operators that compare an attribute with values. `exists` (the attribute is present and not null;
 * values ignored) and `segmentMatch` (the context is in one of the segments named by values; see
 * clauses.ts) need no attribute comparison and are decided in clauses.ts.
 */
export const VALUE_OPERATORS: Readonly<
  Record<ValueOperator, (values: readonly ClauseValue[]) => AttributeMatcher>
> = {
  in: compileIn,
  notIn: compileNotIn,
  startsWith: compileStartsWith,
  endsWith: compileEndsWith,
  contains: compileContains,
  matches: compileMatches,
  lt: compileLt,
  lte: compileLte,
  gt: compileGt,
  gte: compileGte,
  before: compileBefore,
  after: compileAfter,
  semverEq: compileSemverEq,
  semverLt: compileSemverLt,
  semverGt: compileSemverGt,
};

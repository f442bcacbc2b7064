import semver from 'semver';
import { parseDateValue } from './dates.js';
import type { Clause, Operator, Segment } from './definition.js';
import type { IssueList, Path } from './issues.js';
import {
  MAX_CLAUSE_VALUES,
  MAX_CLAUSES,
  MAX_REGEX_LENGTH,
  MAX_REGEX_TOTAL_LENGTH,
  MAX_STRING_LENGTH,
} from './limits.js';
import { regexError } from './regex.js';
import { hasForbiddenText } from './text.js';

/**
 * How `segmentMatch` clauses are judged: against the known segments (in a flag), or refused outright
 * (in a segment: segments never reference segments, so membership never recurses and needs no cycle
 * check).
 */
export type SegmentPolicy = { lookup: (key: string) => boolean | Segment | undefined } | 'refuse';

/** What clause checks need beyond the clause: the segment policy and the document's regex budget. */
export interface ClauseContext {
  segments: SegmentPolicy;
  /** Characters of `matches` patterns the rest of the document may still use. */
  regexBudget: { remaining: number };
}

export function clauseContext(segments: SegmentPolicy): ClauseContext {
  return { segments, regexBudget: { remaining: MAX_REGEX_TOTAL_LENGTH } };
}

const STRING_OPERATORS: ReadonlySet<Operator> = new Set(['startsWith', 'endsWith', 'contains']);
const NUMBER_OPERATORS: ReadonlySet<Operator> = new Set(['lt', 'lte', 'gt', 'gte']);
const DATE_OPERATORS: ReadonlySet<Operator> = new Set(['before', 'after']);
const SEMVER_OPERATORS: ReadonlySet<Operator> = new Set(['semverEq', 'semverLt', 'semverGt']);

/** The clauses of one rule: count, attribute, and each value against its operator. */
export function checkClauses(
  clauses: readonly Clause[],
  path: Path,
  context: ClauseContext,
  issues: IssueList,
): void {
  if (clauses.length > MAX_CLAUSES) {
    issues.add(
      path,
      `has ${clauses.length} clauses, more than the ${MAX_CLAUSES} allowed in a rule`,
      'TOO_MANY',
    );
    return;
  }
  clauses.forEach((clause, index) => {
    checkClause(clause, [...path, index], context, issues);
  });
}

function checkClause(clause: Clause, path: Path, context: ClauseContext, issues: IssueList): void {
  const { segments } = context;
  const { op, attribute, values } = clause;
  if (op === 'segmentMatch') {
    if (segments === 'refuse') {
      issues.add(
        [...path, 'op'],
        `'segmentMatch' is not allowed in a segment: a segment cannot refer to other segments`,
        'NOT_ALLOWED',
      );
      return;
    }
    if (attribute !== undefined) {
      issues.add(
        [...path, 'attribute'],
        `is not used by 'segmentMatch' (which matches segment keys): remove it`,
        'NOT_ALLOWED',
      );
    }
  } else if (attribute === undefined) {
    issues.add(
      [...path, 'attribute'],
      `is required for '${op}' (the context attribute compared)`,
      'REQUIRED',
    );
  } else {
    checkText(attribute, [...path, 'attribute'], MAX_STRING_LENGTH, issues);
  }
  if (values.length === 0 && op !== 'exists') {
    issues.add(
      [...path, 'values'],
      `must not be empty: a '${op}' clause with no values never matches`,
      'TOO_FEW',
    );
    return;
  }
  if (values.length > MAX_CLAUSE_VALUES) {
    issues.add(
      [...path, 'values'],
      `has ${values.length} values, more than the ${MAX_CLAUSE_VALUES} allowed in a clause`,
      'TOO_MANY',
    );
    return;
  }
  values.forEach((value, index) => {
    const problem = valueProblem(op, value, context);
    if (problem !== undefined) issues.add([...path, 'values', index], problem.message, problem.code);
  });
}

type Problem = { message: string; code: string };

function valueProblem(op: Operator, value: string | number, context: ClauseContext): Problem | undefined {
  const { segments, regexBudget } = context;
  if (NUMBER_OPERATORS.has(op)) {
    return typeof value === 'number'
      ? undefined
      : { message: `must be a number for '${op}', not a string`, code: 'INVALID_TYPE' };
  }
  if (DATE_OPERATORS.has(op)) {
    if (parseDateValue(value) !== undefined) return undefined;
    return typeof value === 'number'
      ? { message: `is outside the dates JavaScript can represent`, code: 'INVALID_DATE' }
      : {
          message: `is not a date for '${op}': write an ISO-8601 date (2026-03-01) or date-time with a zone (2026-03-01T09:30:00Z), or epoch milliseconds`,
          code: 'INVALID_DATE',
        };
  }
  if (typeof value !== 'string') {
    return STRING_OPERATORS.has(op) || SEMVER_OPERATORS.has(op) || op === 'matches' || op === 'segmentMatch'
      ? { message: `must be a string for '${op}', not a number`, code: 'INVALID_TYPE' }
      : undefined;
  }
  if (op === 'matches') {
    if (value.length > MAX_REGEX_LENGTH) {
      return {
        message: `is a regular expression of ${value.length} characters, more than the ${MAX_REGEX_LENGTH} allowed`,
        code: 'TOO_LONG',
      };
    }
    if (value.length > regexBudget.remaining) {
      return {
        message: `brings the document's regular expressions over ${MAX_REGEX_TOTAL_LENGTH} characters in all`,
        code: 'TOO_LONG',
      };
    }
    regexBudget.remaining -= value.length;
    const error = regexError(value);
    return error === undefined
      ? undefined
      : { message: `is not a valid RE2 regular expression: ${error}`, code: 'INVALID_REGEX' };
  }
  if (value.length > MAX_STRING_LENGTH) {
    return { message: `must be at most ${MAX_STRING_LENGTH} characters long`, code: 'TOO_LONG' };
  }
  if (SEMVER_OPERATORS.has(op) && semver.valid(value) === null) {
    return { message: `is not a semantic version (such as 1.4.0 or 2.0.0-beta.1)`, code: 'INVALID_SEMVER' };
  }
  if (op === 'segmentMatch' && segments !== 'refuse' && !segments.lookup(value)) {
    return { message: `unknown segment '${value}'`, code: 'UNKNOWN_SEGMENT' };
  }
  return undefined;
}

/** A text field a person wrote: bounded, and free of control characters and lone surrogates. */
export function checkText(text: string, path: Path, maxLength: number, issues: IssueList): void {
  if (text.length > maxLength) issues.add(path, `must be at most ${maxLength} characters long`, 'TOO_LONG');
  else if (hasForbiddenText(text)) {
    issues.add(path, 'must not contain control characters or lone surrogates', 'FORBIDDEN_TEXT');
  }
}

import { clauseValueProblem } from './clause-values.js';
import type { Clause, Operator, Segment } from './definition.js';
import type { IssueList, Path } from './issues.js';
import {
  MAX_CLAUSE_VALUES,
  MAX_CLAUSES,
  MAX_REGEX_LENGTH,
  MAX_REGEX_TOTAL_LENGTH,
  MAX_STRING_LENGTH,
} from './limits.js';
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

/**
 * Whether the evaluator can read `value` for `op` (the one reading: clause-values.ts), then the limits
 * validation adds: the length of strings and the document's regex budget, and known segments.
 */
function valueProblem(op: Operator, value: string | number, context: ClauseContext): Problem | undefined {
  const { segments, regexBudget } = context;
  if (op === 'matches' && typeof value === 'string' && value.length <= MAX_REGEX_LENGTH) {
    // Charged before compiling: the budget bounds a write's compile time. (Longer patterns are refused
    // by the reader without compiling.)
    if (value.length > regexBudget.remaining) {
      return {
        message: `brings the document's regular expressions over ${MAX_REGEX_TOTAL_LENGTH} characters in all`,
        code: 'TOO_LONG',
      };
    }
    regexBudget.remaining -= value.length;
  } else if (typeof value === 'string' && op !== 'matches' && value.length > MAX_STRING_LENGTH) {
    return { message: `must be at most ${MAX_STRING_LENGTH} characters long`, code: 'TOO_LONG' };
  }
  const problem = clauseValueProblem(op, value);
  if (problem !== undefined) return problem;
  if (op === 'segmentMatch' && segments !== 'refuse' && !segments.lookup(String(value))) {
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

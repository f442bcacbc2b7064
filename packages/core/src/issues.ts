import type { z } from 'zod';
import { KEY_PATTERN } from './definition.js';
import { MAX_ISSUES } from './limits.js';

/** Why a document was refused: where (see {@link formatPath}) and why, in words a person understands. */
export interface ValidationIssue {
  /** `environments.production.rules[1].clauses[0].values[2]`; the empty string is the document itself. */
  path: string;
  message: string;
  /** A stable machine-readable reason, e.g. `UNKNOWN_VARIANT`. */
  code?: string;
}

/** Either the parsed definition with every default filled in, or every issue found (never both). */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

const PLAIN_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * `a.b[0].c`: numbers as `[i]`, names of letters, digits, `_` and `-` after a dot, any other name
 * (a key holding `.` or `:`, a variant named `two words`) quoted in brackets: `variants["two words"]`.
 */
export function formatPath(path: Path): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (PLAIN_NAME.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** Collects issues in document order, keeping the first {@link MAX_ISSUES}. */
export class IssueList {
  readonly items: ValidationIssue[] = [];

  add(path: Path, message: string, code: string): void {
    if (this.items.length < MAX_ISSUES) this.items.push({ path: formatPath(path), message, code });
  }

  get empty(): boolean {
    return this.items.length === 0;
  }
}

/** `a string`, `an array`, `null`…: what a person would call the value found. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return Number.isFinite(value) ? 'a number' : String(value);
    case 'boolean':
      return `${value}`;
    case 'object':
      return 'an object';
    case 'undefined':
      return 'nothing';
    default:
      return `a ${typeof value}`;
  }
}

const EXPECTED_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'an array',
  null: 'null',
};

function expectedName(expected: string): string {
  return EXPECTED_NAMES[expected] ?? expected;
}

function valueAt(root: unknown, path: Path): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    if (!Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<PathSegment, unknown>)[segment];
  }
  return value;
}

const KEY_RULE = `may contain only letters, digits, '.', '_', '-' and ':', and must start with a letter or digit`;

type ZodIssue = z.core.$ZodIssue;

/** Our issues for zod's, with paths in {@link formatPath}'s form and plain-language messages. */
export function fromZodIssues(zodIssues: readonly ZodIssue[], input: unknown, issues: IssueList): void {
  for (const issue of zodIssues) addZodIssue(issue, input, [], issues);
}

function addZodIssue(issue: ZodIssue, input: unknown, base: Path, issues: IssueList): void {
  const path: Path = [...base, ...issue.path.map((s) => (typeof s === 'number' ? s : String(s)))];
  const found = valueAt(input, path);
  switch (issue.code) {
    case 'invalid_type':
      if (found === undefined) issues.add(path, `is required (${expectedName(issue.expected)})`, 'REQUIRED');
      else
        issues.add(
          path,
          `must be ${expectedName(issue.expected)}, not ${describeValue(found)}`,
          'INVALID_TYPE',
        );
      return;
    case 'unrecognized_keys':
      for (const key of issue.keys) issues.add([...path, key], `unknown field '${key}'`, 'UNKNOWN_FIELD');
      return;
    case 'too_small':
      if (issue.origin === 'array') {
        issues.add(
          path,
          issue.minimum === 1 ? 'must not be empty' : `must have at least ${issue.minimum} items`,
          'TOO_FEW',
        );
      } else if (issue.origin === 'string') {
        issues.add(
          path,
          issue.minimum === 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters long`,
          'TOO_SHORT',
        );
      } else issues.add(path, `must be at least ${issue.minimum}`, 'TOO_SMALL');
      return;
    case 'too_big':
      if (issue.origin === 'string')
        issues.add(path, `must be at most ${issue.maximum} characters long`, 'TOO_LONG');
      else if (issue.origin === 'array')
        issues.add(path, `must have at most ${issue.maximum} items`, 'TOO_MANY');
      else issues.add(path, `must be at most ${issue.maximum}`, 'TOO_BIG');
      return;
    case 'invalid_format':
      if (issue.format === 'regex' && issue.pattern === String(KEY_PATTERN))
        issues.add(path, KEY_RULE, 'INVALID_KEY');
      else issues.add(path, `has an invalid format (${issue.format})`, 'INVALID_FORMAT');
      return;
    case 'invalid_value':
      if (found === undefined) {
        issues.add(
          path,
          `is required (one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')})`,
          'REQUIRED',
        );
        return;
      }
      issues.add(
        path,
        `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, not ${JSON.stringify(found) ?? 'nothing'}`,
        'INVALID_VALUE',
      );
      return;
    case 'invalid_key': {
      // zod's path already ends with the key; its sub-issues describe the key itself.
      const key = path[path.length - 1];
      const inner = new IssueList();
      for (const sub of issue.issues) addZodIssue(sub, key, [], inner);
      for (const sub of inner.items)
        issues.add(path, `the name ${JSON.stringify(key)} ${sub.message}`, 'INVALID_KEY');
      return;
    }
    case 'invalid_union':
      addUnionIssue(issue, input, path, issues);
      return;
    default:
      issues.add(path, issue.message, 'INVALID');
  }
}

type UnionIssue = Extract<ZodIssue, { code: 'invalid_union' }>;

/**
 * A union (a rule's `serve`, a clause value, a JSON value) failed every branch: report the branch
 * that got furthest, or say what the alternatives are when no branch stands out.
 */
function addUnionIssue(issue: UnionIssue, input: unknown, path: Path, issues: IssueList): void {
  const found = valueAt(input, path);
  const branches = issue.errors;
  const typeOnly = branches.every(
    (b) => b.length === 1 && b[0]?.code === 'invalid_type' && b[0].path.length === 0,
  );
  if (typeOnly && branches.length > 0) {
    const expected = branches.map((b) => (b[0]?.code === 'invalid_type' ? b[0].expected : ''));
    const what =
      expected.includes('null') && expected.includes('array')
        ? 'a JSON value'
        : expected.map(expectedName).join(' or ');
    issues.add(path, `must be ${what}, not ${describeValue(found)}`, 'INVALID_TYPE');
    return;
  }
  const last = path[path.length - 1];
  if (last === 'serve' || last === 'fallthrough') {
    const serveProblem = describeServeShape(found);
    if (serveProblem !== undefined) {
      issues.add(path, serveProblem, 'INVALID_SERVE');
      return;
    }
  }
  const ranked = branches
    .map((errors) => ({ errors, depth: Math.max(...errors.map((e) => e.path.length)) }))
    .sort((a, b) => b.depth - a.depth || a.errors.length - b.errors.length);
  const best = ranked[0];
  const second = ranked[1];
  if (
    best === undefined ||
    (second !== undefined && second.depth === best.depth && second.errors.length === best.errors.length)
  ) {
    issues.add(path, 'does not match any allowed form', 'INVALID');
    return;
  }
  for (const error of best.errors) addZodIssue(error, input, path, issues);
}

/** What is wrong with a `serve`/`fallthrough` at the level of its form, if anything. */
function describeServeShape(found: unknown): string | undefined {
  const form = 'must be {"variant": "<name>"} or {"rollout": {"weights": [...]}}';
  if (found === null || typeof found !== 'object' || Array.isArray(found))
    return `${form}, not ${describeValue(found)}`;
  const hasVariant = Object.hasOwn(found, 'variant');
  const hasRollout = Object.hasOwn(found, 'rollout');
  if (hasVariant && hasRollout) return `${form}, not both`;
  if (!hasVariant && !hasRollout) return form;
  return undefined;
}

/*
 * Clauses and segments: whether a context satisfies one clause, all clauses of a rule, or a segment.
 * The operators' own semantics are in operators.ts.
 */

import { readClauseValues, readStringValue } from './clause-values.js';
import type { Clause, EvaluationContext, JsonValue, Segment } from './definition.js';
import { DefinitionError } from './errors.js';
import { type Lookup, lookUp } from './lookup.js';
import { type AttributeMatcher, VALUE_OPERATORS } from './operators.js';

/** Segments can name segments (a `segmentMatch` clause in a segment's rule): this deep at most. */
export const MAX_SEGMENT_DEPTH = 10;

export interface ClauseScope {
  segments: Lookup<Segment> | undefined;
  /** Segments being decided, outermost first: a cycle or a chain deeper than MAX_SEGMENT_DEPTH is no match. */
  segmentPath: string[];
}

/** Names every object inherits (`constructor`, `toString`, `__proto__`...): attributes only when the context's own. */
const INHERITED_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * A context attribute by its top-level name (`targetingKey` included; no dotted paths). A context is a
 * plain JSON object; names every object inherits (`constructor`, `toString`) count only when the context
 * has them itself. `null` is missing.
 */
export function attributeOf(context: EvaluationContext, name: string): JsonValue | undefined {
  if (INHERITED_NAMES.has(name) && !Object.hasOwn(context, name)) return undefined;
  const value = context[name];
  return value === null ? undefined : value;
}

/** attributeOf for one name, decided once: a plain property read for the names objects do not inherit. */
export function attributeReader(name: string): (context: EvaluationContext) => JsonValue | undefined {
  if (INHERITED_NAMES.has(name)) return (context) => attributeOf(context, name);
  return (context) => {
    const value = context[name];
    return value === null ? undefined : value;
  };
}

/** A clause as a function of the context (`negate` applied). */
export type CompiledClause = (context: EvaluationContext, scope: ClauseScope) => boolean;

/** Each clause object compiled once (its values read, its patterns compiled); definitions are immutable. */
const compiledClauses = new WeakMap<Clause, CompiledClause | DefinitionError>();

/**
 * The clause as a function of the context, `negate` applied, or why it cannot be evaluated (an unknown
 * operator, no attribute, values its operator cannot read).
 */
export function compileClause(clause: Clause): CompiledClause | DefinitionError {
  let compiled = compiledClauses.get(clause);
  if (compiled === undefined) {
    try {
      compiled = buildClause(clause);
    } catch (err) {
      if (!(err instanceof DefinitionError)) throw err;
      compiled = err;
    }
    compiledClauses.set(clause, compiled);
  }
  return compiled;
}

function buildClause(clause: Clause): CompiledClause {
  const { op, attribute, negate } = clause;
  const values = Array.isArray(clause.values) ? clause.values : [];
  if (op === 'segmentMatch') {
    const keys = readClauseValues(op, values, readStringValue);
    return (context, scope) => {
      for (const key of keys) if (inSegment(key, context, scope)) return !negate;
      return negate;
    };
  }
  if (typeof attribute !== 'string')
    throw new DefinitionError(`a clause with op ${String(op)} names no attribute`);
  const read = attributeReader(attribute);
  if (op === 'exists') return (context) => (read(context) !== undefined) !== negate;
  const compile = Object.hasOwn(VALUE_OPERATORS, op) ? VALUE_OPERATORS[op] : undefined;
  if (compile === undefined) throw new DefinitionError(`unknown operator ${JSON.stringify(op)}`);
  const matches: AttributeMatcher = compile(values);
  return (context) => {
    const value = read(context);
    // A missing attribute matches nothing (but `exists`); negate still inverts that.
    return (value !== undefined && value !== null && matches(value)) !== negate;
  };
}

/** Whether the context satisfies `clause` (see operators.ts for the rules), `negate` applied. */
export function clauseMatches(clause: Clause, context: EvaluationContext, scope: ClauseScope): boolean {
  const compiled = compileClause(clause);
  if (compiled instanceof DefinitionError) throw compiled;
  return compiled(context, scope);
}

/** Every compiled clause matches. */
export function allMatch(
  clauses: readonly CompiledClause[],
  context: EvaluationContext,
  scope: ClauseScope,
): boolean {
  for (const clause of clauses) if (!clause(context, scope)) return false;
  return true;
}

interface CompiledSegment {
  included: ReadonlySet<string>;
  excluded: ReadonlySet<string>;
  rules: CompiledClause[][];
}

/** Each segment object compiled once: key lists as Sets (they can hold thousands), clauses compiled. */
const compiledSegments = new WeakMap<Segment, CompiledSegment | DefinitionError>();

function compileSegment(segment: Segment): CompiledSegment | DefinitionError {
  let compiled = compiledSegments.get(segment);
  if (compiled === undefined) {
    try {
      compiled = {
        included: new Set(segment.included),
        excluded: new Set(segment.excluded),
        rules: segment.rules.map((rule, i) =>
          rule.clauses.map((clause, j) => {
            const c = compileClause(clause);
            if (c instanceof DefinitionError)
              throw new DefinitionError(`segment ${segment.key} rules[${i}].clauses[${j}]: ${c.message}`);
            return c;
          }),
        ),
      };
    } catch (err) {
      if (!(err instanceof DefinitionError)) throw err;
      compiled = err;
    }
    compiledSegments.set(segment, compiled);
  }
  return compiled;
}

/**
 * Whether the context is in the segment `key`: its `targetingKey` is excluded -> no (excluded wins over
 * everything); included -> yes; else yes when any of its rules (OR) has all its clauses (AND) matching.
 * An unknown segment has no members (segments and flags arrive separately; validation refuses a flag
 * naming an unknown segment, and the service refuses deleting one in use). A segment that cannot be
 * evaluated (a corrupt clause) makes the evaluation answer PARSE_ERROR.
 */
export function inSegment(key: string, context: EvaluationContext, scope: ClauseScope): boolean {
  const segment = lookUp(scope.segments, key);
  if (segment === undefined || segment === null) return false;
  if (scope.segmentPath.includes(key) || scope.segmentPath.length >= MAX_SEGMENT_DEPTH) return false;
  const compiled = compileSegment(segment);
  if (compiled instanceof DefinitionError) throw compiled;
  const targetingKey = attributeOf(context, 'targetingKey');
  if (typeof targetingKey === 'string') {
    if (compiled.excluded.has(targetingKey)) return false;
    if (compiled.included.has(targetingKey)) return true;
  }
  if (compiled.rules.length === 0) return false;
  scope.segmentPath.push(key);
  try {
    for (const rule of compiled.rules) if (allMatch(rule, context, scope)) return true;
    return false;
  } finally {
    scope.segmentPath.pop();
  }
}

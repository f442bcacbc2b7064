/*
 * The one compile of `matches` patterns, with the same limits for validation and the evaluator: a
 * pattern validation accepts is one the evaluator compiles, and a pattern over a limit that reaches the
 * evaluator anyway (a stored definition never validated) is a corrupt definition there (PARSE_ERROR),
 * never a slow evaluation.
 */
import { RE2JS } from 're2js';
import { BoundedCache } from './bounded-cache.js';
import { MAX_REGEX_LENGTH, MAX_REGEX_PROGRAM_SIZE } from './limits.js';

/** Why a pattern cannot be used: `TOO_LONG` (over MAX_REGEX_LENGTH) or `INVALID_REGEX`, and a message. */
export class PatternError {
  constructor(
    readonly code: 'TOO_LONG' | 'INVALID_REGEX',
    /** Said of the pattern: "is not a valid RE2 regular expression: ...". */
    readonly problem: string,
  ) {}
}

/** Compiled patterns (and refusals), at most this many kept (shared by all clauses). */
export const REGEX_CACHE_SIZE = 1000;
const regexes = new BoundedCache<string, RE2JS | PatternError>(REGEX_CACHE_SIZE);

/** The compiled pattern (cached), or why it cannot be used. */
export function regexFor(pattern: string): RE2JS | PatternError {
  return regexes.get(pattern, compilePattern);
}

/** Why `pattern` is not a usable `matches` pattern, or undefined when it is. */
export function regexError(pattern: string): string | undefined {
  const regex = regexFor(pattern);
  return regex instanceof PatternError ? regex.problem : undefined;
}

/**
 * RE2 (here re2js, a pure-JS port) matches in time linear in the input, so a `matches` clause cannot
 * backtrack catastrophically; it refuses what would (backreferences, lookarounds) and repeat counts over
 * 1000. Linear is not cheap: a match costs up to (compiled instructions x input length), so the pattern
 * is held to {@link MAX_REGEX_LENGTH} characters (checked before compiling: compiling costs too) and its
 * compiled program to {@link MAX_REGEX_PROGRAM_SIZE} instructions; the evaluator also bounds the input
 * (MAX_MATCH_INPUT_LENGTH, limits.ts).
 */
function compilePattern(pattern: string): RE2JS | PatternError {
  if (pattern.length > MAX_REGEX_LENGTH) {
    return new PatternError(
      'TOO_LONG',
      `is a regular expression of ${pattern.length} characters, more than the ${MAX_REGEX_LENGTH} allowed`,
    );
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return invalid(message.replace(/^error parsing regexp: /, ''));
  }
  const size = programSize(compiled);
  if (size !== undefined && size > MAX_REGEX_PROGRAM_SIZE) {
    return invalid(
      `it compiles to ${size} instructions, more than the ${MAX_REGEX_PROGRAM_SIZE} allowed (use smaller repeat counts such as {1,50})`,
    );
  }
  return compiled;
}

function invalid(reason: string): PatternError {
  return new PatternError('INVALID_REGEX', `is not a valid RE2 regular expression: ${reason}`);
}

/** The compiled program's instruction count; undefined if re2js ever stops exposing it. */
function programSize(compiled: RE2JS): number | undefined {
  const prog: unknown = compiled.re2().prog;
  if (
    typeof prog !== 'object' ||
    prog === null ||
    !('numInst' in prog) ||
    typeof prog.numInst !== 'function'
  ) {
    return undefined;
  }
  const size: unknown = prog.numInst();
  return typeof size === 'number' ? size : undefined;
}

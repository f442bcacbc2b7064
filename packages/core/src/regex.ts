import { RE2JS } from 're2js';
import { MAX_REGEX_PROGRAM_SIZE } from './limits.js';

/**
 * Why `pattern` is not a usable RE2 regular expression, or undefined when it is. RE2 (here re2js, a
 * pure-JS port) matches in time linear in the input, so a `matches` clause cannot backtrack
 * catastrophically; it refuses what would (backreferences, lookarounds) and repeat counts over 1000.
 * Linear is not cheap: a match costs up to (compiled instructions x input length), so the compiled
 * program is also held to {@link MAX_REGEX_PROGRAM_SIZE} instructions.
 */
export function regexError(pattern: string): string | undefined {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return message.replace(/^error parsing regexp: /, '');
  }
  const size = programSize(compiled);
  if (size !== undefined && size > MAX_REGEX_PROGRAM_SIZE) {
    return `it compiles to ${size} instructions, more than the ${MAX_REGEX_PROGRAM_SIZE} allowed (use smaller repeat counts such as {1,50})`;
  }
  return undefined;
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

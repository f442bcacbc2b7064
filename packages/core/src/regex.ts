import { RE2JS } from 're2js';

/**
 * Why `pattern` is not a valid RE2 regular expression, or undefined when it is. RE2 (here re2js, a
 * pure-JS port) matches in time linear in the input, so a `matches` clause cannot backtrack
 * catastrophically; it refuses what would (backreferences, lookarounds) and repeat counts over 1000.
 */
export function regexError(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return message.replace(/^error parsing regexp: /, '');
  }
}

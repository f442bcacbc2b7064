// '.js': this module is also type-checked by the repository's (nodenext) tsconfig through its unit test.
import { isoOfLocalInput, localInputOf } from '../history/history-filter.js';

/**
 * An error of a read, shaped as the console's ApiError (named structurally: api/graphql.ts is outside
 * the nodenext check this module's unit test runs under).
 */
interface ReadError {
  readonly code: string;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/**
 * The moment the playground evaluates at: now, a revision (digits, as typed), or a time as a
 * `datetime-local` input holds it (`2025-01-31T14:00` or with seconds, in the browser's time zone).
 */
export type AsOfChoice =
  | { readonly mode: 'now' }
  | { readonly mode: 'revision'; readonly revision: string }
  | { readonly mode: 'time'; readonly local: string };

export const NOW: AsOfChoice = { mode: 'now' };

const DIGITS = /^\d+$/;
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/;

/**
 * The choice a URL's `asOf` parameter names (a history entry links `?asOf=<revision>`; the playground
 * writes an ISO time back as it was asked). Anything else is kept as typed, for the field to refuse.
 */
export function choiceOf(param: string | null): AsOfChoice {
  if (param === null || param.trim() === '') return NOW;
  const text = param.trim();
  if (DIGITS.test(text)) return { mode: 'revision', revision: text };
  const ms = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && Number.isFinite(ms))
    return { mode: 'time', local: localInputOf(text, 'second') };
  return { mode: 'revision', revision: text };
}

/**
 * The `asOf` argument for a choice: undefined for now, the revision's digits, or the local time as an
 * ISO-8601 instant (`toISOString`, UTC with its `Z`: the service wants the offset). A problem for the
 * field otherwise.
 */
export function asOfArgument(choice: AsOfChoice): { asOf: string | undefined } | { problem: string } {
  switch (choice.mode) {
    case 'now':
      return { asOf: undefined };
    case 'revision': {
      const text = choice.revision.trim();
      if (!DIGITS.test(text))
        return { problem: 'A revision is a whole number, e.g. 42 (the history shows each change’s)' };
      return { asOf: String(Number(text)) };
    }
    case 'time': {
      const iso = LOCAL_TIME.test(choice.local) ? isoOfLocalInput(choice.local, 'since') : '';
      return iso === '' ? { problem: 'Pick a date and a time' } : { asOf: iso };
    }
  }
}

/**
 * What an error of an `asOf` read says about the moment asked for, for the field: beyond retention (with
 * the oldest revision that can be asked for), too many changes back, or refused as malformed. Undefined
 * when the error is about something else.
 */
export function asOfProblem(error: ReadError): { text: string; oldestRevision?: number } | undefined {
  switch (error.code) {
    case 'AS_OF_BEYOND_RETENTION': {
      const { oldestRevision, oldestTime } = error.details;
      const since = typeof oldestTime === 'string' ? ` (${new Date(oldestTime).toLocaleString()})` : '';
      if (typeof oldestRevision !== 'number')
        return { text: `Older than the history kept: ${error.message}` };
      return {
        text: `Older than the history kept (retention): the oldest moment that can be shown is revision ${oldestRevision}${since}.`,
        oldestRevision,
      };
    }
    case 'AS_OF_TOO_MANY_CHANGES':
      return { text: `Too far back to rebuild in one read: ${error.message}. Pick a later moment.` };
    case 'VALIDATION_FAILED':
      return error.details.field === 'asOf' ? { text: error.message } : undefined;
    default:
      return undefined;
  }
}

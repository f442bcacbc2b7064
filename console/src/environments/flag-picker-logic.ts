/*
 * The promotion screen's flag picker, apart from React: which flags it lists for a filter (at most a
 * bounded number, so 1,000 flags never draw 1,000 rows) and how the chosen keys change.
 */
import { filterFlags, NO_FILTER } from '../flags/flag-filter.js';

/** Rows the picker draws at most: a scroll's worth to pick from; past that, the filter narrows faster. */
export const PICKER_ROWS = 100;

interface Pickable {
  readonly key: string;
  readonly description: string;
  readonly tags: readonly string[];
}

/** What the picker shows for a filter: the first rows, how many more match, how many chosen are hidden. */
export interface PickerView<F extends Pickable> {
  readonly shown: readonly F[];
  readonly more: number;
  readonly chosenHidden: number;
}

/** The flags matching `text` (in the key or the description, as the flag list's filter), capped at `rows`. */
export function pickerView<F extends Pickable>(
  flags: readonly F[],
  text: string,
  chosen: readonly string[],
  rows: number = PICKER_ROWS,
): PickerView<F> {
  const matching = filterFlags(flags, { ...NO_FILTER, text });
  const shown = matching.slice(0, rows);
  const visible = new Set(shown.map((flag) => flag.key));
  return {
    shown,
    more: matching.length - shown.length,
    chosenHidden: chosen.filter((key) => !visible.has(key)).length,
  };
}

// Chosen keys are kept sorted and once each: the request is the same whatever order they were ticked in.
const sortedOnce = (keys: Iterable<string>): string[] => [...new Set(keys)].sort();

/** The chosen keys with `key` ticked (`on`) or unticked. */
export function toggled(chosen: readonly string[], key: string, on: boolean): string[] {
  return on ? sortedOnce([...chosen, key]) : chosen.filter((k) => k !== key);
}

/** The chosen keys plus every shown flag's ("select all shown"; chosen flags the filter hides stay). */
export function withShown(chosen: readonly string[], shown: readonly { readonly key: string }[]): string[] {
  return sortedOnce([...chosen, ...shown.map((flag) => flag.key)]);
}

/** "2 of 1,000 flags chosen, 1 not shown by the filter". */
export function chosenText(chosen: number, total: number, hidden: number): string {
  const base = `${chosen.toLocaleString('en')} of ${total.toLocaleString('en')} ${total === 1 ? 'flag' : 'flags'} chosen`;
  return hidden > 0 ? `${base}, ${hidden.toLocaleString('en')} not shown by the filter` : base;
}

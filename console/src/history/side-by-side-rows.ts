import { diffLines } from 'diff';

/** One line of one side: what it says, and whether it is only on this side. */
export interface Cell {
  readonly text: string;
  readonly kind: 'same' | 'removed' | 'added';
}

/** A row of the side-by-side view; a side is absent where the other side has lines this one lacks. */
export type Row =
  | { readonly kind: 'line'; readonly before: Cell | undefined; readonly after: Cell | undefined }
  | { readonly kind: 'folded'; readonly lines: number };

/** Unchanged runs longer than this are folded to their first and last {@link CONTEXT} lines. */
const FOLD_OVER = 8;
const CONTEXT = 3;

const linesOf = (text: string) => text.replace(/\n$/, '').split('\n');

/**
 * Two texts (canonical JSON) side by side, from jsdiff's line diff: unchanged lines face each other;
 * a run of removed lines faces the run of added lines that replaced it, line by line; long unchanged
 * runs are folded.
 */
export function sideBySideRows(before: string, after: string): Row[] {
  const rows: Row[] = [];
  const parts = diffLines(before, after);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (!part) continue;
    const lines = linesOf(part.value);
    if (part.removed) {
      const next = parts[i + 1];
      const added = next?.added ? linesOf(next.value) : [];
      if (next?.added) i++;
      for (let j = 0; j < Math.max(lines.length, added.length); j++) {
        const was = lines[j];
        const is = added[j];
        rows.push({
          kind: 'line',
          before: was === undefined ? undefined : { text: was, kind: 'removed' },
          after: is === undefined ? undefined : { text: is, kind: 'added' },
        });
      }
    } else if (part.added) {
      for (const line of lines)
        rows.push({ kind: 'line', before: undefined, after: { text: line, kind: 'added' } });
    } else {
      const same = (text: string): Row => ({
        kind: 'line',
        before: { text, kind: 'same' },
        after: { text, kind: 'same' },
      });
      if (lines.length > FOLD_OVER) {
        rows.push(...lines.slice(0, CONTEXT).map(same));
        rows.push({ kind: 'folded', lines: lines.length - 2 * CONTEXT });
        rows.push(...lines.slice(-CONTEXT).map(same));
      } else rows.push(...lines.map(same));
    }
  }
  return rows;
}

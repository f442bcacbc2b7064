/**
 * One difference between two JSON documents, addressed by a JSON Pointer (RFC 6901) into the document
 * before the change (`remove`, `replace`) or after it (`add`); `''` is the whole document. A list to
 * read (and to filter on), not a patch to apply in sequence.
 */
export type DiffOp =
  | { readonly op: 'add'; readonly path: string; readonly after: unknown }
  | { readonly op: 'remove'; readonly path: string; readonly before: unknown }
  | { readonly op: 'replace'; readonly path: string; readonly before: unknown; readonly after: unknown };

/**
 * What changed from `before` to `after` (JSON values; null/undefined for "no document"), as a list a
 * person can read: objects compare member by member (in sorted key order, so the answer does not depend
 * on how either was built); arrays keep their common head and tail and compare the middle pairwise, so
 * inserting one rule at the top reads as one `add`, not as every later rule replaced. Pure and
 * deterministic; linear in the documents' size (their nesting is bounded by the document limits).
 */
export function diffJson(before: unknown, after: unknown): DiffOp[] {
  const ops: DiffOp[] = [];
  if (before === undefined || before === null) {
    if (after !== undefined && after !== null) ops.push({ op: 'add', path: '', after });
    return ops;
  }
  if (after === undefined || after === null) {
    ops.push({ op: 'remove', path: '', before });
    return ops;
  }
  compare(before, after, '', ops);
  return ops;
}

/** Whether two JSON values are equal (deeply; object member order does not matter). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => sameJson(item, other[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every((key) => Object.hasOwn(right, key) && sameJson(left[key], right[key]));
}

/** `segment` escaped for a JSON Pointer: `~` as `~0`, `/` as `~1`. */
function pointerSegment(segment: string | number): string {
  return String(segment).replaceAll('~', '~0').replaceAll('/', '~1');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compare(before: unknown, after: unknown, path: string, ops: DiffOp[]): void {
  if (sameJson(before, after)) return;
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) {
      const at = `${path}/${pointerSegment(key)}`;
      if (!Object.hasOwn(after, key)) ops.push({ op: 'remove', path: at, before: before[key] });
      else if (!Object.hasOwn(before, key)) ops.push({ op: 'add', path: at, after: after[key] });
      else compare(before[key], after[key], at, ops);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    compareArrays(before, after, path, ops);
    return;
  }
  ops.push({ op: 'replace', path, before, after });
}

function compareArrays(before: unknown[], after: unknown[], path: string, ops: DiffOp[]): void {
  let head = 0;
  while (head < before.length && head < after.length && sameJson(before[head], after[head])) head++;
  let tail = 0;
  while (
    tail < before.length - head &&
    tail < after.length - head &&
    sameJson(before[before.length - 1 - tail], after[after.length - 1 - tail])
  )
    tail++;
  const removed = before.length - head - tail;
  const added = after.length - head - tail;
  const paired = Math.min(removed, added);
  for (let i = 0; i < paired; i++) compare(before[head + i], after[head + i], `${path}/${head + i}`, ops);
  for (let i = paired; i < removed; i++)
    ops.push({ op: 'remove', path: `${path}/${head + i}`, before: before[head + i] });
  for (let i = paired; i < added; i++)
    ops.push({ op: 'add', path: `${path}/${head + i}`, after: after[head + i] });
}

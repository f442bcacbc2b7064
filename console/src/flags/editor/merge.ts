/*
 * Redoing one's edit on top of someone else's: a three-way merge of flag documents (JSON). Objects merge
 * key by key; anything else (strings, numbers, lists: a rule list is one ordered thing) is taken whole
 * from the side that changed it. Where both sides changed the same thing differently, the user's own
 * value wins and the path is reported, so the editor can show it before anything is saved.
 */
type Json = unknown;

const isObject = (value: Json): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function sameJson(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k]))
    );
  }
  return false;
}

export interface MergeResult {
  merged: Json;
  /** Paths both changed differently (the user's value was kept), e.g. `environments.production.enabled`. */
  conflicts: string[];
}

/** `mine` and `theirs` both start from `base`: their changes and mine, together. */
export function mergeDocuments(base: Json, mine: Json, theirs: Json): MergeResult {
  const conflicts: string[] = [];
  const merged = merge(base, mine, theirs, '', conflicts);
  return { merged, conflicts };
}

const ABSENT = Symbol('absent');

function merge(base: Json, mine: Json, theirs: Json, path: string, conflicts: string[]): Json {
  if (sameJson(mine, base)) return theirs;
  if (sameJson(theirs, base) || sameJson(mine, theirs)) return mine;
  if (isObject(mine) && isObject(theirs)) {
    const baseObject = isObject(base) ? base : {};
    const out: Record<string, Json> = {};
    for (const key of new Set([...Object.keys(theirs), ...Object.keys(mine)])) {
      const pick = (o: Record<string, Json>) => (Object.hasOwn(o, key) ? o[key] : ABSENT);
      const value = merge(
        pick(baseObject),
        pick(mine),
        pick(theirs),
        path ? `${path}.${key}` : key,
        conflicts,
      );
      if (value !== ABSENT) out[key] = value;
    }
    return out;
  }
  conflicts.push(path || '(the whole document)');
  return mine;
}

/** JSON with object keys sorted, two-space indented: the same document always prints the same (for diffs). */
export function canonicalJson(value: Json): string {
  const sort = (v: Json): Json =>
    Array.isArray(v)
      ? v.map(sort)
      : isObject(v)
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sort(v[k])]),
          )
        : v;
  return JSON.stringify(sort(value), null, 2);
}

/**
 * JSON with every object's keys in sorted order, at every depth: two contexts that are equal as JSON
 * values give the same string, whatever order their attributes came in. For values JSON.parse made
 * (no undefined, functions or cycles).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (i > 0) out += ',';
    out += `${JSON.stringify(key)}:${canonicalJson(object[key])}`;
  }
  return `${out}}`;
}

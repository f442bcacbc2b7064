import type { IssueList, Path, PathSegment } from './issues.js';
import { MAX_DOCUMENT_BYTES, MAX_NESTING_DEPTH } from './limits.js';
import { utf8ByteLength } from './text.js';

/**
 * Checks that hold for any document before its schema is looked at, so nothing later recurses
 * without bound or works through megabytes: nesting at most {@link MAX_NESTING_DEPTH}, no
 * `__proto__` key (JavaScript objects cannot hold it as data: zod drops it silently), at most
 * {@link MAX_DOCUMENT_BYTES} of JSON. Returns false (with an issue) when the document is refused.
 */
export function checkDocument(input: unknown, issues: IssueList): boolean {
  // Iterative, so a hostile nesting cannot overflow the stack here either.
  const stack: Array<{ value: unknown; path: Path }> = [{ value: input, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop() as { value: unknown; path: Path };
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= MAX_NESTING_DEPTH) {
      issues.add(
        path,
        `is nested too deeply (at most ${MAX_NESTING_DEPTH} levels of objects and arrays in a document)`,
        'TOO_DEEP',
      );
      return false;
    }
    const entries: Array<[PathSegment, unknown]> = Array.isArray(value)
      ? value.map((item, index) => [index, item])
      : Object.entries(value);
    if (!Array.isArray(value) && Object.hasOwn(value, '__proto__')) {
      issues.add([...path, '__proto__'], `'__proto__' is not allowed as a name`, 'FORBIDDEN_NAME');
      return false;
    }
    for (let i = entries.length - 1; i >= 0; i--) {
      const [segment, item] = entries[i] as [PathSegment, unknown];
      stack.push({ value: item, path: [...path, segment] });
    }
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(input);
  } catch {
    json = undefined;
  }
  if (json === undefined) {
    issues.add([], 'is not a JSON document', 'INVALID_TYPE');
    return false;
  }
  const bytes = utf8ByteLength(json);
  if (bytes > MAX_DOCUMENT_BYTES) {
    issues.add([], `is ${bytes} bytes of JSON, more than the ${MAX_DOCUMENT_BYTES} allowed`, 'TOO_LARGE');
    return false;
  }
  return true;
}

/**
 * A deep copy of a JSON value with `-0` written as `0`, so what is accepted is exactly what survives
 * JSON.stringify/parse and shares no array or object with the input.
 */
export function canonicalCopy<T>(value: T): T {
  if (Object.is(value, -0)) return 0 as T;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(canonicalCopy) as T;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) copy[key] = canonicalCopy(item);
  }
  return copy as T;
}

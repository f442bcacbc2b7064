import { FlagDefinition, fromLegacyFlag, Segment as SegmentDefinition } from '@flagwire/core';
import { isRecord } from './errors.js';
import type { Flag, FlagChange, Segment, SegmentChange } from './types.js';

const isRevision = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * Checks what the server sent before the client holds it: a flag with every field of the right type,
 * copied (extra fields dropped) and frozen, so callers cannot change the client's state. Anything
 * else: undefined.
 */
export function parseFlag(value: unknown): Flag | undefined {
  if (!isRecord(value)) return undefined;
  const { key, isEnabled, description, version, revision, createdAt, updatedAt } = value;
  if (
    typeof key !== 'string' ||
    typeof isEnabled !== 'boolean' ||
    typeof description !== 'string' ||
    !isRevision(version) ||
    !isRevision(revision) ||
    typeof createdAt !== 'string' ||
    typeof updatedAt !== 'string'
  ) {
    return undefined;
  }
  const base = { key, isEnabled, description, version, revision, createdAt, updatedAt };
  if (value.definition === undefined) return Object.freeze(base);
  // The server validated the document when it was written; this checks its shape (a proxy or another
  // server could send anything), fills defaults, and ties it to the flag it came with.
  const parsed = FlagDefinition.safeParse(value.definition);
  if (!parsed.success || parsed.data.key !== key) return undefined;
  return Object.freeze({ ...base, definition: parsed.data });
}

/**
 * The definition local evaluation reads for a flag the server sent: the one it carries, or, from a
 * server that predates definitions (`{key, isEnabled, description, ...}` only), the boolean flag it
 * stands for (`fromLegacyFlag`, @flagwire/core: variants `on`/`off`, enabled in `production` as
 * `isEnabled` says). Called once per change of a flag (see state.ts).
 */
export function definitionOf(flag: Flag): FlagDefinition {
  return flag.definition ?? fromLegacyFlag(flag);
}

/** A list of flags (REST list body, GraphQL `flags`), or undefined when any element is not a flag. */
export function parseFlagList(value: unknown): Flag[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const flags: Flag[] = [];
  for (const item of value) {
    const flag = parseFlag(item);
    if (!flag) return undefined;
    flags.push(flag);
  }
  return flags;
}

/**
 * The data of an SSE `snapshot` event: `{ revision, flags, segments }`. `segments` is undefined when a
 * server that predates segments sent none.
 */
export function parseSnapshot(
  value: unknown,
): { revision: number; flags: Flag[]; segments: Segment[] | undefined } | undefined {
  if (!isRecord(value) || !isRevision(value.revision)) return undefined;
  const flags = parseFlagList(value.flags);
  if (!flags) return undefined;
  if (value.segments === undefined) return { revision: value.revision, flags, segments: undefined };
  const segments = parseSegmentList(value.segments);
  return segments && { revision: value.revision, flags, segments };
}

/** A segment as served (REST, SSE, GraphQL's `Segment` fields), checked, copied and frozen; else undefined. */
export function parseSegment(value: unknown): Segment | undefined {
  if (!isRecord(value)) return undefined;
  const { key, version, revision, createdAt, updatedAt } = value;
  if (
    typeof key !== 'string' ||
    !isRevision(version) ||
    !isRevision(revision) ||
    typeof createdAt !== 'string' ||
    typeof updatedAt !== 'string'
  ) {
    return undefined;
  }
  const parsed = SegmentDefinition.safeParse(value.definition);
  if (!parsed.success || parsed.data.key !== key) return undefined;
  return Object.freeze({ key, version, revision, createdAt, updatedAt, definition: parsed.data });
}

/** A list of segments (`GET /segments`, GraphQL `segments`), or undefined when any element is not one. */
export function parseSegmentList(value: unknown): Segment[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const segments: Segment[] = [];
  for (const item of value) {
    const segment = parseSegment(item);
    if (!segment) return undefined;
    segments.push(segment);
  }
  return segments;
}

/** The data of an SSE `segment-upsert`/`segment-delete` event. */
export function parseSegmentChange(value: unknown): SegmentChange | undefined {
  if (!isRecord(value) || typeof value.key !== 'string' || !isRevision(value.revision)) return undefined;
  const { key, revision } = value;
  if (value.kind === 'upsert') {
    const segment = parseSegment(value.segment);
    return segment?.key === key ? { kind: 'upsert', key, revision, segment } : undefined;
  }
  if (value.kind === 'delete' && isRevision(value.version)) {
    return { kind: 'delete', key, revision, version: value.version };
  }
  return undefined;
}

/** The data of an SSE `upsert`/`delete` event. */
export function parseChange(value: unknown): FlagChange | undefined {
  if (!isRecord(value) || typeof value.key !== 'string' || !isRevision(value.revision)) return undefined;
  const { key, revision } = value;
  if (value.kind === 'upsert') {
    const flag = parseFlag(value.flag);
    return flag?.key === key ? { kind: 'upsert', key, revision, flag } : undefined;
  }
  if (value.kind === 'delete' && isRevision(value.version)) {
    return { kind: 'delete', key, revision, version: value.version };
  }
  return undefined;
}

/**
 * A `flagChanged` payload (kind in capitals, `flag`/`segment` null for a delete): a flag's change, or
 * a segment's (`entity: SEGMENT`). Undefined when malformed.
 */
export function parseSubscriptionChange(
  value: unknown,
): { entity: 'flag'; change: FlagChange } | { entity: 'segment'; change: SegmentChange } | undefined {
  if (!isRecord(value)) return undefined;
  const kind = value.kind === 'UPSERT' ? 'upsert' : value.kind === 'DELETE' ? 'delete' : undefined;
  if (!kind) return undefined;
  if (value.entity === 'SEGMENT') {
    const change = parseSegmentChange({ ...value, kind });
    return change && { entity: 'segment', change };
  }
  // A server that predates segments sends no `entity`: every event is a flag's.
  if (value.entity !== undefined && value.entity !== 'FLAG') return undefined;
  const change = parseChange({ ...value, kind });
  return change && { entity: 'flag', change };
}

/** The highest revision among `items` (flags or segments): a lower bound of the revision a list was read at. */
export function highestRevision(items: readonly { readonly revision: number }[]): number {
  let highest = 0;
  for (const item of items) if (item.revision > highest) highest = item.revision;
  return highest;
}

/** Whether any environment's rules of `flag` have a `segmentMatch` clause (then its segments matter). */
export function namesSegments(flag: Flag): boolean {
  const environments = flag.definition?.environments ?? {};
  for (const environment of Object.values(environments))
    for (const rule of environment.rules)
      if (rule.clauses.some((clause) => clause.op === 'segmentMatch')) return true;
  return false;
}

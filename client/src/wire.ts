import { FlagDefinition, fromLegacyFlag } from '@flagwire/core';
import { isRecord } from './errors.js';
import type { Flag, FlagChange } from './types.js';

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

/** The data of an SSE `snapshot` event: `{ revision, flags }`. */
export function parseSnapshot(value: unknown): { revision: number; flags: Flag[] } | undefined {
  if (!isRecord(value) || !isRevision(value.revision)) return undefined;
  const flags = parseFlagList(value.flags);
  return flags && { revision: value.revision, flags };
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

/** A `flagChanged` payload (kind in capitals, `flag` null for a delete). */
export function parseSubscriptionChange(value: unknown): FlagChange | undefined {
  if (!isRecord(value)) return undefined;
  const kind = value.kind === 'UPSERT' ? 'upsert' : value.kind === 'DELETE' ? 'delete' : undefined;
  return kind && parseChange({ ...value, kind });
}

/** The highest revision among `flags`: a lower bound of the revision a list was read at. */
export function highestRevision(flags: readonly Flag[]): number {
  let highest = 0;
  for (const flag of flags) if (flag.revision > highest) highest = flag.revision;
  return highest;
}

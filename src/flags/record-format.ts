import { fromLegacyFlag } from '@flagwire/core';
import { kindOfKey, type RecordBody, type StoredRecord } from './flag.js';

/** A record as written by the version before definitions: a global boolean. */
interface LegacyRecord {
  key: string;
  isEnabled: boolean;
  description: string;
  version: number;
  revision: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * A record read back from persistence (the data file, the Redis cache): today's format as it is, and
 * the format before definitions (`{key, isEnabled, description, ...}`) as the boolean flag it stands
 * for, so data written by the previous version loads unchanged. Undefined for anything else.
 */
export function readStoredRecord(value: unknown): StoredRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const raw = value as Record<string, unknown>;
  if (
    typeof raw.key !== 'string' ||
    !Number.isSafeInteger(raw.version) ||
    !Number.isSafeInteger(raw.revision) ||
    typeof raw.createdAt !== 'string' ||
    typeof raw.updatedAt !== 'string'
  ) {
    return undefined;
  }
  const body = bodyFrom(raw);
  if (!body) return undefined;
  const { key, version, revision, createdAt, updatedAt } = raw as unknown as LegacyRecord;
  return { key, ...body, version, revision, createdAt, updatedAt } as StoredRecord;
}

/** The body of a stored record: `{kind, definition}`, or a legacy record's fields converted. */
export function bodyFrom(raw: Record<string, unknown>): RecordBody | undefined {
  const key = raw.key as string;
  if (typeof raw.definition === 'object' && raw.definition !== null) {
    const kind = kindOfKey(key);
    // The kind follows from the key; a stored `kind` that disagrees means the record is not ours.
    if (raw.kind !== undefined && raw.kind !== kind) return undefined;
    return { kind, definition: raw.definition } as RecordBody;
  }
  if (typeof raw.isEnabled === 'boolean' && kindOfKey(key) === 'flag') {
    const description = typeof raw.description === 'string' ? raw.description : '';
    return { kind: 'flag', definition: fromLegacyFlag({ key, isEnabled: raw.isEnabled, description }) };
  }
  return undefined;
}

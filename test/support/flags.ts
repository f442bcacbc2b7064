import { DEFAULT_ENVIRONMENT, fromLegacyFlag } from '@flagwire/core';
import type { FlagChange, FlagRecord, RecordBody, StoredRecord } from '../../src/flags/flag.js';
import { ALL_ENVIRONMENTS, flagView } from '../../src/flags/flag-view.js';

/** The body of the seed's boolean flag: `isEnabled` in production, a description. */
export function legacyBody(key: string, isEnabled = false, description = ''): RecordBody {
  return { kind: 'flag', definition: fromLegacyFlag({ key, isEnabled, description }) };
}

/** Whether a stored flag is enabled in production (what the seed's `isEnabled` reads). */
export function isEnabledOf(record: StoredRecord | null | undefined): boolean | undefined {
  if (record?.kind !== 'flag') return undefined;
  const config = record.definition.environments[DEFAULT_ENVIRONMENT];
  return config?.enabled ?? false;
}

/** A stored flag's description. */
export function descriptionOf(record: StoredRecord | null | undefined): string | undefined {
  return record?.kind === 'flag' ? record.definition.description : undefined;
}

/** A flag for tests: disabled, version 1, fixed timestamps, unless `fields` says otherwise. */
export function aFlag(
  key: string,
  revision: number,
  fields: {
    isEnabled?: boolean;
    description?: string;
    version?: number;
    createdAt?: string;
    updatedAt?: string;
  } = {},
): FlagRecord {
  const { isEnabled = false, description = '', ...meta } = fields;
  return {
    key,
    kind: 'flag',
    definition: fromLegacyFlag({ key, isEnabled, description }),
    version: 1,
    revision,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...meta,
  };
}

export const upsertOf = (flag: StoredRecord): FlagChange => ({
  kind: 'upsert',
  key: flag.key,
  revision: flag.revision,
  flag,
});

export const deleteOf = (key: string, revision: number, version = 1): FlagChange => ({
  kind: 'delete',
  key,
  revision,
  version,
});

/** A seed-style body for store-level tests, where the record's key is the store's business. */
export function body(isEnabled: boolean, description = ''): RecordBody {
  return legacyBody('stored', isEnabled, description);
}

/**
 * What a reader sees of a service or store answer (the seed's fields beside the definition): a record,
 * `{flag, created}`, or null, so tests can keep asserting on `isEnabled` and `description`.
 */
export function seen<T>(answer: T): unknown {
  if (answer === null || typeof answer !== 'object') return answer;
  if ('kind' in answer && (answer as { kind: unknown }).kind === 'flag')
    return flagView(answer as unknown as FlagRecord, ALL_ENVIRONMENTS);
  if ('flag' in answer && 'created' in answer) {
    const { flag, created } = answer as unknown as { flag: FlagRecord; created: boolean };
    return { flag: flagView(flag, ALL_ENVIRONMENTS), created };
  }
  return answer;
}

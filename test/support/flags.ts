import type { Flag, FlagChange } from '../../src/flags/flag.js';

/** A flag for tests: disabled, version 1, fixed timestamps, unless `fields` says otherwise. */
export function aFlag(
  key: string,
  revision: number,
  fields: Partial<Omit<Flag, 'key' | 'revision'>> = {},
): Flag {
  return {
    key,
    isEnabled: false,
    description: '',
    version: 1,
    revision,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...fields,
  };
}

export const upsertOf = (flag: Flag): FlagChange => ({
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

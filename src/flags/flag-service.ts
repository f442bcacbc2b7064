import {
  FlagAlreadyExistsError,
  FlagNotFoundError,
  VersionMismatchError,
  WriteConflictError,
} from './errors.js';
import type { Flag, FlagChange, FlagFields } from './flag.js';
import type { FlagStore, WriteResult } from './store/flag-store.js';
import {
  assertValidDescription,
  assertValidExpectedVersion,
  assertValidIsEnabled,
  assertValidKey,
} from './validation.js';

export interface CreateFlagInput {
  key: string;
  isEnabled?: boolean | undefined;
  description?: string | undefined;
}

export interface FlagPatch {
  isEnabled?: boolean | undefined;
  description?: string | undefined;
}

export interface DeletedFlag {
  key: string;
  /** The version the flag had when it was deleted. */
  version: number;
  revision: number;
}

/** Where committed changes go (cache, log, feed); resolves once this instance's listeners have them. */
export interface ChangePublisher {
  publish(change: FlagChange): Promise<void>;
}

export interface FlagServiceOptions {
  /**
   * How many times an unconditional write re-reads and retries when another writer changed the flag
   * between its read and its write. Default 5; past it the caller gets WRITE_CONFLICT.
   */
  maxAttempts?: number;
}

/**
 * Every write to flags goes through here: input validation, the version guard, and one published
 * change per committed write. Reads are served by the snapshot, not by this service.
 */
export class FlagService {
  private readonly maxAttempts: number;

  constructor(
    private readonly store: FlagStore,
    private readonly changes: ChangePublisher,
    options: FlagServiceOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 5;
  }

  /** The flag as the store has it now: for write preconditions, which must not trust a cached view. */
  async current(key: string): Promise<Flag | null> {
    assertValidKey(key);
    return this.store.get(key);
  }

  /** Creates a flag; FLAG_ALREADY_EXISTS when the key is taken. */
  async create(input: CreateFlagInput): Promise<Flag> {
    const fields = this.fieldsFor(input, { isEnabled: false, description: '' });
    assertValidKey(input.key);
    const result = await this.store.insert(input.key, fields);
    if (result.status === 'exists') throw new FlagAlreadyExistsError(input.key);
    return this.committed(result.change);
  }

  /**
   * Creates the flag, or updates the fields given if it exists (the seed's `POST /feature-flags`).
   * Fields left out keep their value on update and take the default on create.
   */
  async upsert(input: CreateFlagInput): Promise<{ flag: Flag; created: boolean }> {
    assertValidKey(input.key);
    const patch = this.validPatch(input);
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const current = await this.store.get(input.key);
      if (!current) {
        const inserted = await this.store.insert(input.key, { isEnabled: false, description: '', ...patch });
        if (inserted.status === 'ok') return { flag: await this.committed(inserted.change), created: true };
        continue; // someone created it first: update theirs
      }
      const result = await this.store.update(input.key, current.version, { ...fieldsOf(current), ...patch });
      if (result.status === 'ok') return { flag: await this.committed(result.change), created: false };
    }
    throw new WriteConflictError(input.key, this.maxAttempts);
  }

  /** Changes the fields given. With `expectedVersion`, only if the flag is still at that version. */
  async update(key: string, patch: FlagPatch, expectedVersion?: number): Promise<Flag> {
    assertValidKey(key);
    const valid = this.validPatch(patch);
    return this.readModifyWrite(key, expectedVersion, (current) => ({ ...fieldsOf(current), ...valid }));
  }

  /** Flips `isEnabled`. Without `expectedVersion` it flips whatever is current, atomically. */
  async toggle(key: string, expectedVersion?: number): Promise<Flag> {
    assertValidKey(key);
    return this.readModifyWrite(key, expectedVersion, (current) => ({
      ...fieldsOf(current),
      isEnabled: !current.isEnabled,
    }));
  }

  async remove(key: string, expectedVersion?: number): Promise<DeletedFlag> {
    assertValidKey(key);
    assertValidExpectedVersion(expectedVersion);
    const result = await this.store.remove(key, expectedVersion);
    const change = this.unwrap(key, result, expectedVersion);
    if (change.kind !== 'delete') throw new Error('store answered a delete with an upsert');
    await this.changes.publish(change);
    return { key, version: change.version, revision: change.revision };
  }

  private async readModifyWrite(
    key: string,
    expectedVersion: number | undefined,
    next: (current: Flag) => FlagFields,
  ): Promise<Flag> {
    assertValidExpectedVersion(expectedVersion);
    // With an expected version the caller owns the race: one conditional attempt, and a stale version
    // is their answer. Without one, re-read and retry so a concurrent writer is never overwritten blind.
    const attempts = expectedVersion === undefined ? this.maxAttempts : 1;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const current = await this.store.get(key);
      if (!current) throw new FlagNotFoundError(key);
      if (expectedVersion !== undefined && current.version !== expectedVersion) {
        throw new VersionMismatchError(key, expectedVersion, current.version);
      }
      const result = await this.store.update(key, current.version, next(current));
      if (result.status === 'ok') return this.committed(result.change);
      if (result.status === 'missing') throw new FlagNotFoundError(key);
      if (expectedVersion !== undefined)
        throw new VersionMismatchError(key, expectedVersion, result.currentVersion);
    }
    throw new WriteConflictError(key, this.maxAttempts);
  }

  private unwrap(key: string, result: WriteResult, expectedVersion: number | undefined): FlagChange {
    if (result.status === 'ok') return result.change;
    if (result.status === 'missing') throw new FlagNotFoundError(key);
    throw new VersionMismatchError(key, expectedVersion ?? 0, result.currentVersion);
  }

  private async committed(change: FlagChange): Promise<Flag> {
    if (change.kind !== 'upsert') throw new Error('store answered an upsert with a delete');
    await this.changes.publish(change);
    return change.flag;
  }

  private fieldsFor(input: FlagPatch, defaults: FlagFields): FlagFields {
    return { ...defaults, ...this.validPatch(input) };
  }

  private validPatch(patch: FlagPatch): Partial<FlagFields> {
    const valid: { isEnabled?: boolean; description?: string } = {};
    if (patch.isEnabled !== undefined) {
      assertValidIsEnabled(patch.isEnabled);
      valid.isEnabled = patch.isEnabled;
    }
    if (patch.description !== undefined) {
      assertValidDescription(patch.description);
      valid.description = patch.description;
    }
    return valid;
  }
}

function fieldsOf(flag: Flag): FlagFields {
  return { isEnabled: flag.isEnabled, description: flag.description };
}

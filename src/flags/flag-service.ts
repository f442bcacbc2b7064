import { DEFAULT_ENVIRONMENT, type FlagDefinition, fromLegacyFlag } from '@flagwire/core';
import type { Attribution } from '../audit/attribution.js';
import type { AuditAction, AuditNote } from '../audit/audit-entry.js';
import { assertEnvironmentExists, validDefinition } from './definition-validation.js';
import {
  FlagAlreadyExistsError,
  FlagNotFoundError,
  VersionMismatchError,
  WriteConflictError,
} from './errors.js';
import type { FlagChange, FlagRecord, StoredRecord } from './flag.js';
import { applyLegacyPatch, type LegacyPatch, toggledIn } from './legacy-writes.js';
import type { RecordCatalog } from './record-catalog.js';
import type { FlagStore, WriteResult } from './store/flag-store.js';
import { withRollout, withRules } from './targeting-writes.js';
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

export type FlagPatch = LegacyPatch;

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

/** What a `replace` may require of the flag it replaces. */
export interface ReplaceGuard {
  /** Replace only the flag at this version (`If-Match: "3"`). */
  expectedVersion?: number | undefined;
  /** The flag must exist, at any version (`If-Match: *`): never create. */
  mustExist?: boolean | undefined;
}

/**
 * Every write to flags goes through here: input validation, the version guard, and one published
 * change per committed write. Reads are served by the snapshot, not by this service.
 *
 * Two ways to write. `replace` takes a whole definition (every environment's targeting) and validates
 * it against what the catalog holds (segments, environments, the flags it depends on). The seed's
 * writes (`create`, `upsert`, `update`, `toggle`) change only `isEnabled` in one environment and the
 * description, on top of whatever the definition holds.
 *
 * Every write takes the writer's {@link Attribution} and records it, with the action and the environment
 * it addressed, in the change's audit entry (the store commits both at once). A new write path (e.g.
 * promotion between environments: `store.update` per flag with action `promote` and the target
 * environment, one entry each) passes its note the same way; there is no write without one.
 */
export class FlagService {
  private readonly maxAttempts: number;

  constructor(
    private readonly store: FlagStore,
    private readonly changes: ChangePublisher,
    private readonly catalog: RecordCatalog,
    options: FlagServiceOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 5;
  }

  /** The flag as the store has it now: for write preconditions, which must not trust a cached view. */
  async current(key: string): Promise<FlagRecord | null> {
    assertValidKey(key);
    return asFlag(await this.store.get(key));
  }

  /** Creates a boolean flag in `environment`; FLAG_ALREADY_EXISTS when the key is taken. */
  async create(
    by: Attribution,
    input: CreateFlagInput,
    environment = DEFAULT_ENVIRONMENT,
  ): Promise<FlagRecord> {
    assertValidKey(input.key);
    const patch = validLegacyPatch(input);
    assertEnvironmentExists(this.catalog, environment);
    const definition = fromLegacyFlag(
      { key: input.key, isEnabled: patch.isEnabled ?? false, description: patch.description ?? '' },
      environment,
    );
    const result = await this.store.insert(
      input.key,
      { kind: 'flag', definition },
      note(by, 'create', environment),
    );
    if (result.status === 'exists') throw new FlagAlreadyExistsError(input.key);
    return this.committed(result.change);
  }

  /**
   * Creates the flag, or updates the fields given if it exists (the seed's `POST /feature-flags`).
   * Fields left out keep their value on update and take the default on create.
   */
  async upsert(
    by: Attribution,
    input: CreateFlagInput,
    environment = DEFAULT_ENVIRONMENT,
  ): Promise<{ flag: FlagRecord; created: boolean }> {
    assertValidKey(input.key);
    const patch = validLegacyPatch(input);
    assertEnvironmentExists(this.catalog, environment);
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const current = asFlag(await this.store.get(input.key));
      if (!current) {
        const definition = fromLegacyFlag(
          { key: input.key, isEnabled: patch.isEnabled ?? false, description: patch.description ?? '' },
          environment,
        );
        const inserted = await this.store.insert(
          input.key,
          { kind: 'flag', definition },
          note(by, 'create', environment),
        );
        if (inserted.status === 'ok') return { flag: await this.committed(inserted.change), created: true };
        continue; // someone created it first: update theirs
      }
      const definition = applyLegacyPatch(current.definition, patch, environment);
      const result = await this.store.update(
        input.key,
        current.version,
        { kind: 'flag', definition },
        note(by, 'update', environment),
      );
      if (result.status === 'ok') return { flag: await this.committed(result.change), created: false };
    }
    throw new WriteConflictError(input.key, this.maxAttempts);
  }

  /** Changes the fields given. With `expectedVersion`, only if the flag is still at that version. */
  async update(
    by: Attribution,
    key: string,
    patch: FlagPatch,
    expectedVersion?: number,
    environment = DEFAULT_ENVIRONMENT,
  ): Promise<FlagRecord> {
    assertValidKey(key);
    const valid = validLegacyPatch(patch);
    assertEnvironmentExists(this.catalog, environment);
    return this.readModifyWrite(key, expectedVersion, note(by, 'update', environment), (current) =>
      applyLegacyPatch(current, valid, environment),
    );
  }

  /** Flips `enabled` in `environment`. Without `expectedVersion` it flips whatever is current, atomically. */
  async toggle(
    by: Attribution,
    key: string,
    expectedVersion?: number,
    environment = DEFAULT_ENVIRONMENT,
  ): Promise<FlagRecord> {
    assertValidKey(key);
    assertEnvironmentExists(this.catalog, environment);
    return this.readModifyWrite(key, expectedVersion, note(by, 'toggle', environment), (current) =>
      toggledIn(current, environment),
    );
  }

  /**
   * Writes a whole definition (`PUT /feature-flags/{key}`): creates the flag when it is absent (unless
   * the guard says it must exist), else replaces it. The definition is validated against the catalog
   * (segments, environments, the flags it depends on); a refused one changes nothing.
   */
  async replace(
    by: Attribution,
    key: string,
    input: unknown,
    guard: ReplaceGuard = {},
  ): Promise<{ flag: FlagRecord; created: boolean }> {
    assertValidKey(key);
    assertValidExpectedVersion(guard.expectedVersion);
    const definition = validDefinition(this.catalog, key, input);
    const conditional = guard.expectedVersion !== undefined;
    const attempts = conditional ? 1 : this.maxAttempts;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const current = asFlag(await this.store.get(key));
      if (!current) {
        if (conditional || guard.mustExist) throw new FlagNotFoundError(key);
        const inserted = await this.store.insert(key, { kind: 'flag', definition }, note(by, 'create'));
        if (inserted.status === 'ok') return { flag: await this.committed(inserted.change), created: true };
        continue;
      }
      if (conditional && current.version !== guard.expectedVersion) {
        throw new VersionMismatchError(key, guard.expectedVersion as number, current.version);
      }
      const result = await this.store.update(
        key,
        current.version,
        { kind: 'flag', definition },
        note(by, 'replace'),
      );
      if (result.status === 'ok') return { flag: await this.committed(result.change), created: false };
      if (conditional && result.status === 'stale')
        throw new VersionMismatchError(key, guard.expectedVersion as number, result.currentVersion);
    }
    throw new WriteConflictError(key, this.maxAttempts);
  }

  /**
   * Replaces `environment`'s rules with `rules` (the document's JSON). The whole resulting definition
   * is validated like `replace`'s, so a refusal names the path and nothing is stored.
   */
  async setRules(
    by: Attribution,
    key: string,
    environment: string,
    rules: unknown,
    expectedVersion?: number,
  ): Promise<FlagRecord> {
    assertValidKey(key);
    assertEnvironmentExists(this.catalog, environment);
    return this.readModifyWrite(key, expectedVersion, note(by, 'set-rules', environment), (current) =>
      validDefinition(this.catalog, key, withRules(current, environment, rules)),
    );
  }

  /**
   * Serves `rollout` from the rule `ruleRef` addresses (rule-address.ts) in `environment`, or from its
   * fallthrough when `ruleRef` is null; validated like `replace`.
   */
  async setRollout(
    by: Attribution,
    key: string,
    environment: string,
    ruleRef: string | null,
    rollout: unknown,
    expectedVersion?: number,
  ): Promise<FlagRecord> {
    assertValidKey(key);
    assertEnvironmentExists(this.catalog, environment);
    return this.readModifyWrite(key, expectedVersion, note(by, 'set-rollout', environment), (current) =>
      validDefinition(this.catalog, key, withRollout(current, environment, ruleRef, rollout)),
    );
  }

  async remove(by: Attribution, key: string, expectedVersion?: number): Promise<DeletedFlag> {
    assertValidKey(key);
    assertValidExpectedVersion(expectedVersion);
    const result = await this.store.remove(key, expectedVersion, note(by, 'delete'));
    const change = this.unwrap(key, result, expectedVersion);
    if (change.kind !== 'delete') throw new Error('store answered a delete with an upsert');
    await this.changes.publish(change);
    return { key, version: change.version, revision: change.revision };
  }

  private async readModifyWrite(
    key: string,
    expectedVersion: number | undefined,
    audit: AuditNote,
    next: (current: FlagDefinition) => FlagDefinition,
  ): Promise<FlagRecord> {
    assertValidExpectedVersion(expectedVersion);
    // With an expected version the caller owns the race: one conditional attempt, and a stale version
    // is their answer. Without one, re-read and retry so a concurrent writer is never overwritten blind.
    const attempts = expectedVersion === undefined ? this.maxAttempts : 1;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const current = asFlag(await this.store.get(key));
      if (!current) throw new FlagNotFoundError(key);
      if (expectedVersion !== undefined && current.version !== expectedVersion) {
        throw new VersionMismatchError(key, expectedVersion, current.version);
      }
      const definition = next(current.definition);
      const result = await this.store.update(key, current.version, { kind: 'flag', definition }, audit);
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

  private async committed(change: FlagChange): Promise<FlagRecord> {
    if (change.kind !== 'upsert' || change.flag.kind !== 'flag')
      throw new Error('store answered a flag write with something else');
    await this.changes.publish(change);
    return change.flag;
  }
}

/** What a write asks the store to record: who and why, what it did, and where (when one environment). */
export function note(by: Attribution, action: AuditAction, environment?: string): AuditNote {
  return { actor: by.actor, comment: by.comment, action, environment };
}

/** A flag key always holds a flag record; anything else here is a broken store. */
function asFlag(record: StoredRecord | null): FlagRecord | null {
  if (record && record.kind !== 'flag') throw new Error(`store holds a ${record.kind} at a flag key`);
  return record;
}

function validLegacyPatch(patch: LegacyPatch): LegacyPatch {
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

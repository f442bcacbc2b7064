import { DEFAULT_ENVIRONMENT, Environment } from '@flagwire/core';
import type { Attribution } from '../audit/attribution.js';
import {
  EnvironmentAlreadyExistsError,
  EnvironmentNotFoundError,
  ValidationError,
  WriteConflictError,
} from './errors.js';
import { compareByKey, environmentRecordKey } from './flag.js';
import { type ChangePublisher, note } from './flag-service.js';
import type { FlagSnapshot } from './flag-snapshot.js';
import type { FlagStore } from './store/flag-store.js';
import { assertValidDescription, assertValidKey } from './validation.js';

/** An environment as the API serves it. */
export interface EnvironmentView {
  readonly key: string;
  readonly description: string;
}

/** `production` exists on every install, stored or not: what it looks like before anyone describes it. */
const PRODUCTION: EnvironmentView = { key: DEFAULT_ENVIRONMENT, description: '' };

/**
 * Environments (`production`, `staging`, ...): created by API, stored as `$environment/<key>` records in
 * the flags' keyspace, so a new one reaches every instance (and every read scope check) exactly like a
 * flag change. Listing reads this instance's snapshot.
 */
export class EnvironmentService {
  constructor(
    private readonly store: FlagStore,
    private readonly changes: ChangePublisher,
    private readonly snapshot: FlagSnapshot,
    private readonly maxAttempts = 5,
  ) {}

  /** Every environment, `production` included, sorted by key. */
  list(): EnvironmentView[] {
    return environmentViews(this.snapshot);
  }

  /**
   * Creates an environment from `{"key", "description"?}`; VALIDATION_FAILED naming the field for a bad
   * one, ENVIRONMENT_ALREADY_EXISTS when the key is taken (`production` always is).
   */
  async create(by: Attribution, input: unknown): Promise<EnvironmentView> {
    const definition = validEnvironment(input);
    if (definition.key === DEFAULT_ENVIRONMENT) throw new EnvironmentAlreadyExistsError(definition.key);
    const result = await this.store.insert(
      environmentRecordKey(definition.key),
      { kind: 'environment', definition },
      note(by, 'environment-create'),
    );
    if (result.status === 'exists') throw new EnvironmentAlreadyExistsError(definition.key);
    if (result.change.kind !== 'upsert') throw new Error('store answered an insert with a delete');
    await this.changes.publish(result.change);
    return viewOf(definition);
  }

  /**
   * Changes an environment's description: ENVIRONMENT_NOT_FOUND when there is no such environment,
   * VALIDATION_FAILED for a bad description. `production` exists before it is stored: its first
   * description stores it. Another writer in between is retried (the description is the whole record).
   */
  async update(by: Attribution, key: string, input: { description: string }): Promise<EnvironmentView> {
    assertValidKey(key);
    assertValidDescription(input.description);
    const definition = Environment.parse({ key, description: input.description });
    const storeKey = environmentRecordKey(key);
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const current = await this.store.get(storeKey);
      if (current === null && key !== DEFAULT_ENVIRONMENT) throw new EnvironmentNotFoundError(key);
      const result =
        current === null
          ? await this.store.insert(
              storeKey,
              { kind: 'environment', definition },
              note(by, 'environment-update'),
            )
          : await this.store.update(
              storeKey,
              current.version,
              { kind: 'environment', definition },
              note(by, 'environment-update'),
            );
      if (result.status === 'ok') {
        await this.changes.publish(result.change);
        return viewOf(definition);
      }
      // 'exists' (production stored meanwhile), 'stale' or 'missing': read again.
    }
    throw new WriteConflictError(key, this.maxAttempts, 'Environment');
  }
}

/** Every environment `snapshot` holds (a live view or one as it was), `production` included, sorted by key. */
export function environmentViews(snapshot: FlagSnapshot): EnvironmentView[] {
  const views: EnvironmentView[] = [];
  for (const record of snapshot.records('environment')) views.push(viewOf(record.definition));
  if (!views.some((view) => view.key === DEFAULT_ENVIRONMENT)) views.push(PRODUCTION);
  return views.sort(compareByKey);
}

/** `{"key","description"?}` as core's {@link Environment} takes it; else VALIDATION_FAILED naming the field. */
function validEnvironment(input: unknown): Environment {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new ValidationError('The body must be a JSON object: {"key": "staging", "description"?: "..."}');
  const unknown = Object.keys(input).find((field) => field !== 'key' && field !== 'description');
  if (unknown !== undefined)
    throw new ValidationError(
      `Unknown field '${unknown.slice(0, 64)}': give 'key' and optionally 'description'`,
      {
        field: unknown.slice(0, 64),
      },
    );
  const fields = input as { key?: unknown; description?: unknown };
  assertValidKey(fields.key);
  if (fields.description !== undefined) assertValidDescription(fields.description);
  return Environment.parse(input);
}

function viewOf(definition: Environment): EnvironmentView {
  return { key: definition.key, description: definition.description };
}

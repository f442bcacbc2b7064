import type { Attribution } from '../audit/attribution.js';
import { type DiffOp, diffJson, sameJson } from '../audit/audit-diff.js';
import { AppError } from '../errors.js';
import { assertEnvironmentExists, validDefinition } from './definition-validation.js';
import { FlagNotFoundError, ValidationError, VersionMismatchError } from './errors.js';
import type { FlagRecord } from './flag.js';
import { type ChangePublisher, note } from './flag-service.js';
import type { RecordCatalog } from './record-catalog.js';
import type { FlagStore } from './store/flag-store.js';
import { assertValidKey, normalizePrefix } from './validation.js';

/** The most flags one promotion may select (by list or prefix): its work and its answer stay bounded. */
export const MAX_PROMOTED_FLAGS = 500;

/** What to promote: `flags` by key, or every flag under `prefix` (exactly one of the two). */
export interface PromotionInput {
  readonly from: string;
  readonly to: string;
  readonly flags?: readonly string[] | undefined;
  readonly prefix?: string | undefined;
  /** Only preview: write nothing. */
  readonly dryRun: boolean;
  /** Applying: each flag's version as the preview showed it, by key (required to apply). */
  readonly expectedVersions?: Readonly<Record<string, number>> | undefined;
}

/**
 * `changed`: the target's configuration differs from the source's (and, applied, now equals it);
 * `unchanged`: it already equals it, nothing is written; `notInSource`: the flag has no configuration in
 * the source environment, so there is nothing to copy and the target keeps its own.
 */
export type PromotionStatus = 'changed' | 'unchanged' | 'notInSource';

/** One flag of a promotion. */
export interface PromotedFlag {
  readonly key: string;
  readonly status: PromotionStatus;
  /** The flag's version: as it is (a preview, or a flag not written), or after the promotion's write. */
  readonly version: number;
  /** The revision of the promotion's write: applied and `changed` only, else null. */
  readonly revision: number | null;
  /** What the promotion changes (would change) in the flag's document, as the audit history shows it. */
  readonly diff: readonly DiffOp[];
  /** The flag as it is (preview, not written) or as written. */
  readonly flag: FlagRecord;
}

export interface Promotion {
  readonly from: string;
  readonly to: string;
  readonly dryRun: boolean;
  /** Sorted by key. */
  readonly flags: readonly PromotedFlag[];
}

interface Plan {
  readonly current: FlagRecord;
  readonly status: PromotionStatus;
  /** The definition after the promotion (the current one unless `changed`). */
  readonly next: FlagRecord['definition'];
}

/**
 * Promotion between environments: copies each selected flag's configuration in `from` (everything under
 * `environments.<from>`) over its configuration in `to`, as one version-guarded write per flag that
 * changes, each recorded as its own audit entry (action `promote`, environment `to`, `from` the
 * source). A flag already equal in both records nothing.
 *
 * Atomicity is per flag. Before the first write, every selected flag is read from the store, its new
 * document validated and its version compared with `expectedVersions` (what the caller previewed: every
 * flag given there must still be at that version, and every flag that would change must be given): any
 * refusal writes nothing. The writes then go one by one, each conditional on the version just checked;
 * a writer slipping in between the check and one of them stops the promotion there with VERSION_MISMATCH
 * naming that flag, `details.promoted` listing the flags already written (each committed, with its
 * entry). Preview again and apply: promoted flags then show as `unchanged`.
 */
export class PromotionService {
  constructor(
    private readonly store: FlagStore,
    private readonly changes: ChangePublisher,
    private readonly catalog: RecordCatalog,
  ) {}

  async promote(by: Attribution, input: PromotionInput): Promise<Promotion> {
    const { from, to } = input;
    assertValidKey(from, 'from');
    assertValidKey(to, 'to');
    if (from === to)
      throw new ValidationError(`'from' and 'to' must be different environments`, { field: 'from' });
    assertEnvironmentExists(this.catalog, from);
    assertEnvironmentExists(this.catalog, to);
    const expected = input.dryRun ? undefined : expectedVersionsOf(input.expectedVersions);
    const plans = (await this.selected(input)).map((flag) => this.plan(flag, from, to));
    if (expected) assertPreviewed(plans, expected);
    const promoted: PromotedFlag[] = [];
    for (const plan of plans) {
      const diff = diffJson(plan.current.definition, plan.next);
      if (input.dryRun || plan.status !== 'changed') {
        promoted.push({ ...view(plan.current, plan.status), diff });
        continue;
      }
      const flag = await this.write(by, plan, from, to, promoted);
      promoted.push({ ...view(flag, 'changed'), revision: flag.revision, diff });
    }
    return { from, to, dryRun: input.dryRun, flags: promoted };
  }

  /** The selected flags as the store has them now, sorted by key. */
  private async selected(input: PromotionInput): Promise<FlagRecord[]> {
    if ((input.flags === undefined) === (input.prefix === undefined))
      throw new ValidationError(`Give exactly one of 'flags' and 'prefix'`, { field: 'flags' });
    if (input.prefix !== undefined) {
      const prefix = normalizePrefix(input.prefix);
      const flags = (await this.store.list(prefix)).filter((record) => record.kind === 'flag');
      if (flags.length > MAX_PROMOTED_FLAGS)
        throw new ValidationError(
          `Prefix '${prefix}' selects ${flags.length} flags; a promotion takes at most ${MAX_PROMOTED_FLAGS}: narrow it`,
          { field: 'prefix' },
        );
      return flags;
    }
    const keys = input.flags ?? [];
    if (keys.length === 0 || keys.length > MAX_PROMOTED_FLAGS)
      throw new ValidationError(`'flags' must name 1 to ${MAX_PROMOTED_FLAGS} flags`, { field: 'flags' });
    for (const key of keys) assertValidKey(key, 'flags');
    if (new Set(keys).size !== keys.length)
      throw new ValidationError(`'flags' names a flag more than once`, { field: 'flags' });
    const flags: FlagRecord[] = [];
    for (const key of [...keys].sort()) {
      const record = await this.store.get(key);
      if (record?.kind !== 'flag') throw new FlagNotFoundError(key);
      flags.push(record);
    }
    return flags;
  }

  private plan(current: FlagRecord, from: string, to: string): Plan {
    const { environments } = current.definition;
    const source = Object.hasOwn(environments, from) ? environments[from] : undefined;
    if (source === undefined) return { current, status: 'notInSource', next: current.definition };
    const target = Object.hasOwn(environments, to) ? environments[to] : undefined;
    if (sameJson(source, target)) return { current, status: 'unchanged', next: current.definition };
    const copied = {
      ...current.definition,
      environments: { ...environments, [to]: structuredClone(source) },
    };
    try {
      return { current, status: 'changed', next: validDefinition(this.catalog, current.key, copied) };
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      throw new ValidationError(`Flag '${current.key}' cannot be promoted: ${err.message}`, {
        ...err.details,
        key: current.key,
      });
    }
  }

  private async write(
    by: Attribution,
    plan: Plan,
    from: string,
    to: string,
    promoted: readonly PromotedFlag[],
  ): Promise<FlagRecord> {
    const { key, version } = plan.current;
    const result = await this.store.update(
      key,
      version,
      { kind: 'flag', definition: plan.next },
      { ...note(by, 'promote', to), from },
    );
    const written = promoted.filter((flag) => flag.revision !== null).map((flag) => flag.key);
    if (result.status === 'missing')
      throw new AppError('FLAG_NOT_FOUND', `Flag '${key}' was deleted during the promotion`, {
        key,
        promoted: written,
      });
    if (result.status === 'stale') {
      const mismatch = new VersionMismatchError(key, version, result.currentVersion);
      throw new AppError('VERSION_MISMATCH', `${mismatch.message}: it changed during the promotion`, {
        ...mismatch.details,
        promoted: written,
      });
    }
    const { change } = result;
    if (change.kind !== 'upsert' || change.flag.kind !== 'flag')
      throw new Error('store answered a flag write with something else');
    await this.changes.publish(change);
    return change.flag;
  }
}

function view(flag: FlagRecord, status: PromotionStatus): PromotedFlag {
  return { key: flag.key, status, version: flag.version, revision: null, diff: [], flag };
}

/** Applying needs the versions the preview showed: a map of flag key to positive integer. */
function expectedVersionsOf(given: PromotionInput['expectedVersions']): Readonly<Record<string, number>> {
  if (given === undefined)
    throw new ValidationError(
      `Applying a promotion needs 'expectedVersions' (each flag's version from a dry run); or send 'dryRun': true`,
      { field: 'expectedVersions' },
    );
  for (const [key, version] of Object.entries(given)) {
    assertValidKey(key, 'expectedVersions');
    if (!Number.isSafeInteger(version) || version < 1)
      throw new ValidationError(`'expectedVersions.${key}' must be a positive integer`, {
        field: 'expectedVersions',
      });
  }
  return given;
}

/**
 * Every flag the preview showed must still be at the version it showed (whatever it would do now): one
 * that changed since is VERSION_MISMATCH naming it. So is a flag the promotion would change that the
 * preview did not show (it appeared under the prefix since).
 */
function assertPreviewed(plans: readonly Plan[], expected: Readonly<Record<string, number>>): void {
  for (const { current, status } of plans) {
    const version = Object.hasOwn(expected, current.key) ? expected[current.key] : undefined;
    if (version === undefined) {
      if (status !== 'changed') continue;
      throw new AppError(
        'VERSION_MISMATCH',
        `Flag '${current.key}' (version ${current.version}) is not in 'expectedVersions': preview again`,
        { key: current.key, currentVersion: current.version, promoted: [] },
      );
    }
    if (version !== current.version) {
      const mismatch = new VersionMismatchError(current.key, version, current.version);
      throw new AppError('VERSION_MISMATCH', `${mismatch.message}: it changed since the preview`, {
        ...mismatch.details,
        promoted: [],
      });
    }
  }
}

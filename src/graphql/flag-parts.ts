import type { EnvironmentConfig, JsonValue, Rule } from '@flagwire/core';
import { type FlagView, partsIdentity } from '../flags/flag-view.js';
import { ruleRef } from '../flags/rule-address.js';

/*
 * The typed flag document is the FlagView's definition, cut into parts that each know their place: a
 * part's `id` is built from the flag key down, so it is the same on every instance and in every read,
 * which is what lets normalised caches (Apollo's InMemoryCache, urql's graphcache) merge them with no
 * configuration. Flag and environment keys contain no `/` and what follows them is unique within its
 * parent (a variant's name, a rule's `id:` or `#` position), so ids never collide. Parts of a flag as it
 * was (`asOf`) start with `<flag key>#<revision>` instead (flag-view.ts: partsIdentity).
 */

export interface VariantPart {
  readonly id: string;
  readonly name: string;
  readonly value: JsonValue;
}

export interface EnvironmentPart {
  /** `<flag key>/<environment>`. */
  readonly id: string;
  readonly flagKey: string;
  readonly environment: string;
  readonly config: EnvironmentConfig;
}

export interface RulePart {
  /** `<flag key>/<environment>/id:<rule id>`, or `<flag key>/<environment>/#<position>` without one. */
  readonly id: string;
  /** What `setRollout` takes: rule-address.ts. */
  readonly ruleId: string;
  readonly rule: Rule;
}

export function variantsOf(flag: FlagView): VariantPart[] {
  return Object.entries(flag.definition.variants).map(([name, value]) => ({
    id: `${partsIdentity(flag)}/variants/${name}`,
    name,
    value,
  }));
}

export function environmentsOf(flag: FlagView): EnvironmentPart[] {
  const base = partsIdentity(flag);
  return Object.entries(flag.definition.environments).map(([environment, config]) => ({
    id: `${base}/${environment}`,
    flagKey: flag.key,
    environment,
    config,
  }));
}

export function rulesOf(part: EnvironmentPart): RulePart[] {
  return part.config.rules.map((rule, position) => ({
    id: `${part.id}/${rule.id === undefined ? `#${position}` : `id:${rule.id}`}`,
    ruleId: ruleRef(rule, position),
    rule,
  }));
}

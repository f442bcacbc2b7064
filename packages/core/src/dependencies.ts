import type { FlagDefinition } from './definition.js';

/*
 * What a flag's answer depends on besides its own definition: the segments its rules name and the flags it
 * names as prerequisites. A change to any of them may change its answer with no change to the flag, so
 * whoever reports "these flags changed" (an OpenFeature provider's CONFIGURATION_CHANGED) must follow them.
 */

/** The segment keys named by `segmentMatch` clauses in `definition`'s rules, in every environment. */
export function segmentsNamedBy(definition: FlagDefinition): Set<string> {
  const segments = new Set<string>();
  for (const environment of Object.values(definition.environments)) {
    for (const rule of environment.rules) {
      for (const clause of rule.clauses) {
        if (clause.op !== 'segmentMatch') continue;
        for (const value of clause.values) segments.add(String(value));
      }
    }
  }
  return segments;
}

/** The flag keys `definition` names as prerequisites, in every environment. */
export function prerequisitesOf(definition: FlagDefinition): Set<string> {
  const flags = new Set<string>();
  for (const environment of Object.values(definition.environments))
    for (const prerequisite of environment.prerequisites) flags.add(prerequisite.flag);
  return flags;
}

/**
 * The keys, sorted, of the flags whose answer may differ once `changedFlags` (created, changed or deleted)
 * and `changedSegments` did: those flags, every flag of `flags` whose rules name a changed segment, and,
 * transitively, every flag naming one of these as a prerequisite. `flags`: every definition held now.
 */
export function affectedFlags(
  flags: Iterable<FlagDefinition>,
  changedFlags: Iterable<string>,
  changedSegments: Iterable<string>,
): string[] {
  const affected = new Set(changedFlags);
  const segments = new Set(changedSegments);
  /** Prerequisite key -> the flags naming it. */
  const dependents = new Map<string, string[]>();
  for (const definition of flags) {
    for (const prerequisite of prerequisitesOf(definition)) {
      const list = dependents.get(prerequisite);
      if (list) list.push(definition.key);
      else dependents.set(prerequisite, [definition.key]);
    }
    if (segments.size === 0) continue;
    for (const segment of segmentsNamedBy(definition)) {
      if (!segments.has(segment)) continue;
      affected.add(definition.key);
      break;
    }
  }
  // Breadth-first over "is a prerequisite of"; a set, so a cycle (refused by validation anyway) ends.
  const queue = [...affected];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    for (const dependent of dependents.get(next) ?? []) {
      if (affected.has(dependent)) continue;
      affected.add(dependent);
      queue.push(dependent);
    }
  }
  return [...affected].sort();
}

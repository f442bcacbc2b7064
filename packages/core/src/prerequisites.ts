import type { EnvironmentConfig, FlagDefinition } from './definition.js';
import type { IssueList, Path } from './issues.js';
import { MAX_PREREQUISITE_DEPTH, MAX_PREREQUISITES } from './limits.js';
import { hasVariant, listNames } from './serve.js';

/** What prerequisite checks read of the stored flags. */
export interface FlagLookup {
  flags: (key: string) => FlagDefinition | undefined;
  flagKeys?: () => Iterable<string>;
}

/**
 * One environment's prerequisites: each names another existing flag and variants it has; and, in the
 * graph of this environment's prerequisites across the stored flags with this definition in place of
 * its stored version, no cycle through this flag and no chain longer than {@link MAX_PREREQUISITE_DEPTH}.
 * Prerequisites are evaluated in the same environment, so each environment is its own graph.
 */
export function checkPrerequisites(
  def: FlagDefinition,
  envKey: string,
  env: EnvironmentConfig,
  lookup: FlagLookup,
  path: Path,
  issues: IssueList,
): void {
  const listPath = [...path, 'prerequisites'];
  if (env.prerequisites.length > MAX_PREREQUISITES) {
    issues.add(
      listPath,
      `has ${env.prerequisites.length} prerequisites, more than the ${MAX_PREREQUISITES} allowed`,
      'TOO_MANY',
    );
    return;
  }
  const graph = new PrerequisiteGraph(def, envKey, lookup.flags);
  let deepest: { chain: string[]; at: Path } | undefined;
  const before = issues.items.length;
  env.prerequisites.forEach((prerequisite, index) => {
    const at = [...listPath, index];
    if (prerequisite.flag === def.key) {
      issues.add([...at, 'flag'], 'a flag cannot be its own prerequisite', 'PREREQUISITE_CYCLE');
      return;
    }
    const other = lookup.flags(prerequisite.flag);
    if (other === undefined) {
      issues.add([...at, 'flag'], `unknown flag '${prerequisite.flag}'`, 'UNKNOWN_FLAG');
      return;
    }
    prerequisite.variants.forEach((variant, v) => {
      if (!hasVariant(other.variants, variant)) {
        issues.add(
          [...at, 'variants', v],
          `flag '${other.key}' has no variant '${variant}' (its variants: ${listNames(other.variants)})`,
          'UNKNOWN_VARIANT',
        );
      }
    });
    const { chain, cycle } = graph.longestFrom(prerequisite.flag);
    if (cycle !== undefined) {
      issues.add(
        [...at, 'flag'],
        `prerequisite cycle in '${envKey}': ${[def.key, ...cycle].join(' -> ')}`,
        'PREREQUISITE_CYCLE',
      );
      return;
    }
    if (deepest === undefined || chain.length + 1 > deepest.chain.length)
      deepest = { chain: [def.key, ...chain], at: [...at, 'flag'] };
  });
  // Depth only means something once every prerequisite is known and no cycle was found.
  if (issues.items.length > before) return;
  const up = lookup.flagKeys === undefined ? [] : graph.longestInto(lookup.flagKeys());
  const down = deepest?.chain ?? [def.key];
  const levels = up.length + down.length - 1;
  if (levels > MAX_PREREQUISITE_DEPTH) {
    issues.add(
      deepest?.at ?? listPath,
      `prerequisite chain too deep in '${envKey}': ${[...up, ...down].join(' -> ')} (${levels} levels, at most ${MAX_PREREQUISITE_DEPTH})`,
      'PREREQUISITE_DEPTH',
    );
  }
}

/** One environment's prerequisite edges, reading the new definition for its own key. */
class PrerequisiteGraph {
  private readonly longest = new Map<string, string[]>();
  private readonly visiting = new Set<string>();
  private cycle: string[] | undefined;

  constructor(
    private readonly def: FlagDefinition,
    private readonly envKey: string,
    private readonly flags: (key: string) => FlagDefinition | undefined,
  ) {}

  private edges(key: string): string[] {
    const flag = key === this.def.key ? this.def : this.flags(key);
    if (flag === undefined || !Object.hasOwn(flag.environments, this.envKey)) return [];
    return flag.environments[this.envKey]?.prerequisites.map((p) => p.flag) ?? [];
  }

  /** The longest chain of prerequisites starting at `key`, and a path back to this flag if any. */
  longestFrom(key: string): { chain: string[]; cycle: string[] | undefined } {
    this.cycle = undefined;
    const chain = this.visit(key, []);
    return { chain, cycle: this.cycle };
  }

  private visit(key: string, trail: readonly string[]): string[] {
    if (key === this.def.key) {
      this.cycle ??= [...trail, key];
      return [key];
    }
    const known = this.longest.get(key);
    if (known !== undefined) return known;
    // A cycle among stored flags that does not pass through this one is not this write's doing: stop there.
    if (this.visiting.has(key)) return [key];
    this.visiting.add(key);
    let best: string[] = [];
    for (const next of this.edges(key)) {
      const chain = this.visit(next, [...trail, key]);
      if (chain.length > best.length) best = chain;
    }
    this.visiting.delete(key);
    const chain = [key, ...best];
    if (this.cycle === undefined) this.longest.set(key, chain);
    return chain;
  }

  /** The longest chain of stored flags that leads to this flag (excluding it), from every key given. */
  longestInto(keys: Iterable<string>): string[] {
    const dependents = new Map<string, string[]>();
    for (const key of keys) {
      if (key === this.def.key) continue;
      for (const prerequisite of this.edges(key)) {
        const list = dependents.get(prerequisite) ?? [];
        list.push(key);
        dependents.set(prerequisite, list);
      }
    }
    const memo = new Map<string, string[]>();
    const visiting = new Set<string>();
    const walk = (key: string): string[] => {
      const known = memo.get(key);
      if (known !== undefined) return known;
      if (visiting.has(key)) return [];
      visiting.add(key);
      let best: string[] = [];
      for (const dependent of dependents.get(key) ?? []) {
        if (dependent === this.def.key) continue;
        const chain = [...walk(dependent), dependent];
        if (chain.length > best.length) best = chain;
      }
      visiting.delete(key);
      memo.set(key, best);
      return best;
    };
    return walk(this.def.key);
  }
}

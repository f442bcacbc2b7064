import type { FlagDefinition, Segment } from './definition.js';

/** Where the evaluator finds other flags (prerequisites) and segments: a function or anything with `get` (a Map). */
export type Lookup<T> = ((key: string) => T | undefined) | { get(key: string): T | undefined };

export type FlagLookup = Lookup<FlagDefinition>;
export type SegmentLookup = Lookup<Segment>;

export function lookUp<T>(lookup: Lookup<T> | undefined, key: string): T | undefined {
  if (lookup === undefined) return undefined;
  return typeof lookup === 'function' ? lookup(key) : lookup.get(key);
}

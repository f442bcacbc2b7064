import type { FlagDefinition, Segment, ValidationContext } from '@flagwire/core';
import { fromLegacyFlag, validateFlag } from '@flagwire/core';
import { expect } from '@jest/globals';

/** Issue 10's example document, exactly as the issue writes it. */
export const ISSUE_EXAMPLE = `{ "key": "checkout.new-flow", "description": "New checkout", "type": "string",
  "variants": { "control": "v1", "treatment": "v2", "off": "v0" },
  "environments": {
    "production": {
      "enabled": true, "offVariant": "off",
      "prerequisites": [ { "flag": "checkout.enabled", "variants": ["on"] } ],
      "targets": [ { "variant": "treatment", "values": ["user-17", "user-42"] } ],
      "rules": [
        { "clauses": [ { "attribute": "plan", "op": "in", "values": ["pro", "team"] },
                       { "attribute": "country", "op": "in", "values": ["FR"], "negate": true } ],
          "serve": { "variant": "treatment" } },
        { "clauses": [ { "op": "segmentMatch", "values": ["beta-testers"] } ],
          "serve": { "rollout": { "bucketBy": "targetingKey",
                                  "weights": [ { "variant": "treatment", "weight": 50 }, { "variant": "control", "weight": 50 } ] } } }
      ],
      "fallthrough": { "rollout": { "weights": [ { "variant": "treatment", "weight": 10 }, { "variant": "control", "weight": 90 } ] } }
    } } }`;

/** A fresh, mutable copy of the example. */
export function example(): Record<string, unknown> {
  return JSON.parse(ISSUE_EXAMPLE) as Record<string, unknown>;
}

export type StoreContext = ValidationContext & {
  flagKeys: () => Iterable<string>;
  flagsList: () => FlagDefinition[];
};

/** A store holding the given flags and segments, as the service would pass it to validation. */
export function storeContext(
  options: { flags?: FlagDefinition[]; segments?: string[]; environments?: string[] } = {},
): StoreContext {
  const flags = new Map((options.flags ?? []).map((flag) => [flag.key, flag]));
  const segments = new Map<string, Segment>(
    (options.segments ?? []).map((key) => [
      key,
      { key, description: '', included: [], excluded: [], rules: [] },
    ]),
  );
  const environments = options.environments;
  return {
    flags: (key) => flags.get(key),
    segments: (key) => segments.get(key),
    flagKeys: () => flags.keys(),
    flagsList: () => [...flags.values()],
    ...(environments === undefined ? {} : { environments: (key: string) => environments.includes(key) }),
  };
}

/** The store the example is written against: `checkout.enabled` (on/off) and the segment `beta-testers`. */
export function exampleContext(): StoreContext {
  return storeContext({
    flags: [fromLegacyFlag({ key: 'checkout.enabled', isEnabled: true, description: '' })],
    segments: ['beta-testers'],
    environments: ['production', 'staging'],
  });
}

export const REMOVE = Symbol('remove');

/**
 * Sets (or with {@link REMOVE}, deletes) the value at a path written as validation reports it,
 * e.g. `environments.production.rules[1].clauses[0].values[2]` or `variants["two words"]`.
 */
export function setAt(doc: unknown, path: string, value: unknown): void {
  const segments: Array<string | number> = [];
  for (const [, name, index, quoted] of path.matchAll(
    /\.?([A-Za-z0-9_-]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g,
  )) {
    segments.push(name ?? (index !== undefined ? Number(index) : (JSON.parse(quoted as string) as string)));
  }
  let parent = doc as Record<string | number, unknown>;
  for (const segment of segments.slice(0, -1)) parent = parent[segment] as Record<string | number, unknown>;
  const last = segments[segments.length - 1] as string | number;
  if (value === REMOVE) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else parent[last] = value;
}

/**
 * Changes the example at `path` (see {@link setAt}) and expects exactly one issue, at `expectedPath` with
 * `code` and some message. A `__proto__` path is set as an own property, as JSON.parse would.
 */
export function expectRefusal(
  _what: string,
  path: string,
  value: unknown,
  expectedPath: string,
  code: string,
): void {
  const doc = example();
  if (path.endsWith('.__proto__')) {
    const parent = path.slice(0, -'.__proto__'.length).split('.');
    let target = doc as Record<string, unknown>;
    for (const name of parent) target = target[name] as Record<string, unknown>;
    Object.defineProperty(target, '__proto__', { value, enumerable: true });
  } else setAt(doc, path, value);
  const result = validateFlag(doc, exampleContext());
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.issues.map((issue) => [issue.path, issue.code])).toEqual([[expectedPath, code]]);
  expect(result.issues[0]?.message).toMatch(/\S/);
}

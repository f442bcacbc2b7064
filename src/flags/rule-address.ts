import type { Rule } from '@flagwire/core';

/**
 * How writes address one rule of an environment: its `id` when the document gives it one, else
 * `#<position>` (0-based). A position follows the rule only while the rules before it stay, which is
 * why documents that are edited rule by rule should give rules ids.
 */
export function ruleRef(rule: Rule, position: number): string {
  return rule.id ?? `#${position}`;
}

/**
 * The position of the rule `ref` addresses, or -1. A rule's own `id` wins over a position, so a rule
 * named `#0` is found by its name, never mistaken for the first rule.
 */
export function findRule(rules: readonly Rule[], ref: string): number {
  const named = rules.findIndex((rule) => rule.id === ref);
  if (named !== -1) return named;
  const position = /^#(0|[1-9][0-9]*)$/.exec(ref);
  if (!position) return -1;
  const index = Number(position[1]);
  const rule = rules[index];
  return rule !== undefined && rule.id === undefined ? index : -1;
}

import { checkText } from './clause-checks.js';
import type { Serve } from './definition.js';
import type { IssueList, Path } from './issues.js';
import { MAX_STRING_LENGTH, MAX_TOTAL_WEIGHT } from './limits.js';

/** Whether `name` is one of the flag's variants (own keys only: `toString` is not a variant). */
export function hasVariant(variants: Record<string, unknown>, name: string): boolean {
  return Object.hasOwn(variants, name);
}

/** `unknown variant 'x' (the flag's variants: on, off)`. */
export function unknownVariantMessage(name: string, variants: Record<string, unknown>): string {
  return `unknown variant '${name}' (the flag's variants: ${listNames(variants)})`;
}

/** The names of `variants`, at most ten of them. */
export function listNames(variants: Record<string, unknown>): string {
  const names = Object.keys(variants);
  return names.length > 10 ? `${names.slice(0, 10).join(', ')}, …` : names.join(', ');
}

/** A rule's `serve` or an environment's `fallthrough`: known variants, and a rollout's weights. */
export function checkServe(
  serve: Serve,
  path: Path,
  variants: Record<string, unknown>,
  issues: IssueList,
): void {
  if ('variant' in serve) {
    if (!hasVariant(variants, serve.variant)) {
      issues.add([...path, 'variant'], unknownVariantMessage(serve.variant, variants), 'UNKNOWN_VARIANT');
    }
    return;
  }
  const { rollout } = serve;
  const rolloutPath = [...path, 'rollout'];
  if (rollout.bucketBy !== undefined)
    checkText(rollout.bucketBy, [...rolloutPath, 'bucketBy'], MAX_STRING_LENGTH, issues);
  if (rollout.seed !== undefined)
    checkText(rollout.seed, [...rolloutPath, 'seed'], MAX_STRING_LENGTH, issues);
  const weightsPath = [...rolloutPath, 'weights'];
  const firstIndex = new Map<string, number>();
  let total = 0;
  let weightsValid = true;
  rollout.weights.forEach(({ variant, weight }, index) => {
    const at = [...weightsPath, index];
    if (!hasVariant(variants, variant)) {
      issues.add([...at, 'variant'], unknownVariantMessage(variant, variants), 'UNKNOWN_VARIANT');
    } else {
      const first = firstIndex.get(variant);
      if (first !== undefined) {
        issues.add(
          [...at, 'variant'],
          `'${variant}' is already in this rollout at weights[${first}]`,
          'DUPLICATE',
        );
      } else firstIndex.set(variant, index);
    }
    if (!Number.isInteger(weight)) {
      issues.add([...at, 'weight'], `must be a whole number, not ${weight}`, 'INVALID_WEIGHT');
      weightsValid = false;
    } else if (weight < 0) {
      issues.add([...at, 'weight'], `must not be negative`, 'INVALID_WEIGHT');
      weightsValid = false;
    } else if (weight > MAX_TOTAL_WEIGHT) {
      issues.add([...at, 'weight'], `must be at most ${MAX_TOTAL_WEIGHT}`, 'INVALID_WEIGHT');
      weightsValid = false;
    }
    total += weight;
  });
  if (!weightsValid) return;
  if (total === 0) {
    issues.add(weightsPath, 'total 0: at least one weight must be positive', 'INVALID_WEIGHT_TOTAL');
  } else if (total > MAX_TOTAL_WEIGHT) {
    issues.add(
      weightsPath,
      `total ${total}, more than the ${MAX_TOTAL_WEIGHT} allowed`,
      'INVALID_WEIGHT_TOTAL',
    );
  }
}

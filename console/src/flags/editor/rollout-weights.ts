/**
 * Shares `amount` whole units among entries in proportion to `basis` (evenly when the basis is all 0):
 * each gets the floor of its exact share, and the units left go to the largest remainders first (ties:
 * the earlier entry). The result always adds up to `amount`.
 */
export function distribute(amount: number, basis: readonly number[]): number[] {
  if (basis.length === 0) return [];
  const clean = basis.map((b) => (Number.isFinite(b) && b > 0 ? b : 0));
  const sum = clean.reduce((a, b) => a + b, 0);
  const shares = clean.map((b) => (sum === 0 ? amount / clean.length : (b * amount) / sum));
  const result = shares.map(Math.floor);
  let left = amount - result.reduce((a, b) => a + b, 0);
  const order = shares
    .map((share, i) => ({ i, fraction: share - Math.floor(share) }))
    .sort((a, b) => b.fraction - a.fraction || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    result[i] = (result[i] ?? 0) + 1;
    left--;
  }
  return result;
}

/**
 * Sets one weight of a rollout and moves the others so the total stays `total` (100% of the rollout):
 * what remains is shared among the others in proportion to their current weights ({@link distribute}).
 * The order of the entries never changes: it decides the buckets.
 */
export function setWeight(weights: readonly number[], index: number, value: number, total: number): number[] {
  if (weights.length <= 1) return [total];
  const own = Math.min(total, Math.max(0, Math.round(Number.isFinite(value) ? value : 0)));
  const others = weights.map((_, i) => i).filter((i) => i !== index);
  const shared = distribute(
    total - own,
    others.map((i) => weights[i] ?? 0),
  );
  const next = [...weights];
  next[index] = own;
  others.forEach((i, k) => {
    next[i] = shared[k] ?? 0;
  });
  return next;
}

/** Removes an entry and shares the whole total among the rest in proportion to their weights. */
export function removeWeight(weights: readonly number[], index: number, total: number): number[] {
  return distribute(
    total,
    weights.filter((_, i) => i !== index),
  );
}

/** The sum of the weights. */
export const totalOf = (weights: readonly { weight: number }[]) =>
  weights.reduce((sum, w) => sum + (Number(w.weight) || 0), 0);

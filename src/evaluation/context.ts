/**
 * Why `context` cannot be evaluated (OpenFeature's INVALID_CONTEXT), or undefined when it can: it must
 * be a JSON object, and its `targetingKey`, when present, a string (OpenFeature's evaluation context
 * says so). Attribute values are otherwise free: an attribute of a type a clause cannot read is no match.
 */
export function contextProblem(context: unknown): string | undefined {
  if (typeof context !== 'object' || context === null || Array.isArray(context))
    return 'The context must be a JSON object';
  const targetingKey = (context as { targetingKey?: unknown }).targetingKey;
  if (targetingKey !== undefined && targetingKey !== null && typeof targetingKey !== 'string')
    return "The context's targetingKey must be a string";
  return undefined;
}

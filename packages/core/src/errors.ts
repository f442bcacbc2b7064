/**
 * A definition the evaluator cannot read (an unknown variant, a corrupt rollout, a clause value its
 * operator cannot parse, an invalid regular expression). Validation refuses all of these at write time;
 * if one reaches the evaluator anyway, the evaluation answers the caller's default with PARSE_ERROR.
 * Thrown only inside the evaluator and always caught there: `evaluate` never throws.
 */
export class DefinitionError extends Error {
  override readonly name = 'DefinitionError';
}

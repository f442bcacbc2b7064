import type { FlagForm } from './form-model.js';

/**
 * The editor field a path of the service's validation names: `environments.production.rules[0].clauses[1].values[2]`
 * is the form's `environments.<index of production>.rules.0.clauses.1.values` (values are edited as one
 * text), `variants["two words"]` the value of that variant, `...serve.rollout.weights[1].variant` the
 * form's `...serve.weights.1.variant` (the form keeps a rollout's fields beside the variant).
 * Paths it cannot place keep their own text, shown in the form's summary only.
 */
export function fieldOfPath(path: string, form: FlagForm): string {
  const tokens = tokenize(path);
  if (!tokens) return path;
  const out: (string | number)[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string | number;
    const previous = out.at(-1);
    if (i === 1 && tokens[0] === 'environments') {
      const index = form.environments.findIndex((e) => e.environment === token);
      if (index < 0) return path;
      out.push(index);
    } else if (i === 1 && tokens[0] === 'variants') {
      const index = form.variants.findIndex((v) => v.name === token);
      if (index < 0) return path;
      out.push(index, 'value');
    } else if (token === 'rollout' && previous === 'serve') {
      // The form keeps a rollout's fields on the serve itself.
    } else if (token === 'rollout' && previous === 'fallthrough') {
      // Likewise.
    } else if (
      typeof token === 'number' &&
      (previous === 'values' || (previous === 'variants' && out.length > 2))
    ) {
      // One text (or one checkbox group) edits the whole list.
      break;
    } else out.push(token);
  }
  return out.join('.');
}

/** `a.b[0]["c d"]` -> ['a', 'b', 0, 'c d']; undefined when it does not read as a path. */
function tokenize(path: string): (string | number)[] | undefined {
  const tokens: (string | number)[] = [];
  const pattern = /([A-Za-z0-9_-]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\./y;
  let at = 0;
  pattern.lastIndex = 0;
  while (at < path.length) {
    const match = pattern.exec(path);
    if (match === null) break;
    at = pattern.lastIndex;
    if (match[1] !== undefined) tokens.push(match[1]);
    else if (match[2] !== undefined) tokens.push(Number(match[2]));
    else if (match[3] !== undefined) tokens.push(JSON.parse(match[3]) as string);
  }
  return at === path.length ? tokens : undefined;
}

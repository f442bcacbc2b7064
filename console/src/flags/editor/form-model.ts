/*
 * The flag editor's form (react-hook-form values) and the flag document (@flagwire/core's schema), both
 * ways. The form holds what inputs edit: variants as a list of (name, text), a serve as a mode with both
 * a variant and rollout weights, clause values as text (one per line). `fromForm` is the only way back.
 */
import type {
  Clause,
  EnvironmentConfig,
  FlagDefinition,
  FlagDefinitionInput,
  FlagType,
  JsonValue,
  Operator,
  Rule,
  Serve,
} from '@flagwire/core';

export interface VariantForm {
  name: string;
  /** The value as its editor shows it: `true`/`false`, a number's text, a string, or JSON for objects. */
  value: string;
}
export interface WeightForm {
  variant: string;
  weight: number;
}
export interface ServeForm {
  mode: 'variant' | 'rollout';
  variant: string;
  bucketBy: string;
  seed: string;
  weights: WeightForm[];
}
export interface ClauseForm {
  attribute: string;
  op: Operator;
  /** One value per line (values may hold commas: regular expressions). */
  values: string;
  /** segmentMatch: the segments named. */
  segments: string[];
  negate: boolean;
}
export interface RuleForm {
  id: string;
  description: string;
  clauses: ClauseForm[];
  serve: ServeForm;
}
export interface TargetForm {
  variant: string;
  /** One targeting key per line. */
  values: string;
}
export interface PrerequisiteForm {
  flag: string;
  variants: string[];
}
export interface EnvironmentForm {
  environment: string;
  /** False: the document has no entry for this environment (it serves the caller's default there). */
  configured: boolean;
  enabled: boolean;
  offVariant: string;
  prerequisites: PrerequisiteForm[];
  targets: TargetForm[];
  rules: RuleForm[];
  fallthrough: ServeForm;
}
export interface FlagForm {
  description: string;
  type: FlagType;
  /** Comma-separated. */
  tags: string;
  variants: VariantForm[];
  environments: EnvironmentForm[];
}

/** A new rollout's weights add up to this: weights are then percentages. */
export const DEFAULT_ROLLOUT_TOTAL = 100;

export function variantText(type: FlagType, value: JsonValue): string {
  if (type === 'object') return JSON.stringify(value, null, 2);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The value a variant's text stands for, or why it cannot be one of `type`. */
export function parseVariant(type: FlagType, text: string): { value: JsonValue } | { problem: string } {
  switch (type) {
    case 'boolean':
      return text === 'true' || text === 'false' ? { value: text === 'true' } : { problem: 'true or false' };
    case 'number': {
      const value = Number(text);
      return text.trim() !== '' && Number.isFinite(value) ? { value } : { problem: 'a finite number' };
    }
    case 'string':
      return { value: text };
    case 'object':
      try {
        const value = JSON.parse(text) as JsonValue;
        return typeof value === 'object' && value !== null && !Array.isArray(value)
          ? { value }
          : { problem: 'a JSON object, e.g. {"color": "blue"}' };
      } catch (err) {
        return { problem: `not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
      }
  }
}

export function serveToForm(serve: Serve, variants: readonly string[]): ServeForm {
  if ('variant' in serve)
    return {
      mode: 'variant',
      variant: serve.variant,
      bucketBy: '',
      seed: '',
      weights: evenWeights(variants),
    };
  return {
    mode: 'rollout',
    variant: variants[0] ?? '',
    bucketBy: serve.rollout.bucketBy ?? '',
    seed: serve.rollout.seed ?? '',
    weights: serve.rollout.weights.map((w) => ({ variant: w.variant, weight: w.weight })),
  };
}

/** Every variant, sharing {@link DEFAULT_ROLLOUT_TOTAL} as evenly as integers allow (the first get the rest). */
export function evenWeights(variants: readonly string[]): WeightForm[] {
  const base = Math.floor(DEFAULT_ROLLOUT_TOTAL / Math.max(variants.length, 1));
  let rest = DEFAULT_ROLLOUT_TOTAL - base * variants.length;
  return variants.map((variant) => ({ variant, weight: base + (rest-- > 0 ? 1 : 0) }));
}

function clauseToForm(clause: Clause): ClauseForm {
  const texts = clause.values.map(String);
  return {
    attribute: clause.attribute ?? '',
    op: clause.op,
    values: clause.op === 'segmentMatch' ? '' : texts.join('\n'),
    segments: clause.op === 'segmentMatch' ? texts : [],
    negate: clause.negate,
  };
}

export function newClause(): ClauseForm {
  return { attribute: 'targetingKey', op: 'in', values: '', segments: [], negate: false };
}

export function newRule(variants: readonly string[]): RuleForm {
  return {
    id: '',
    description: '',
    clauses: [newClause()],
    serve: {
      mode: 'variant',
      variant: variants[0] ?? '',
      bucketBy: '',
      seed: '',
      weights: evenWeights(variants),
    },
  };
}

export function environmentToForm(
  environment: string,
  config: EnvironmentConfig | undefined,
  variants: readonly string[],
): EnvironmentForm {
  const first = variants[0] ?? '';
  if (!config)
    return {
      environment,
      configured: false,
      enabled: false,
      offVariant: first,
      prerequisites: [],
      targets: [],
      rules: [],
      fallthrough: serveToForm({ variant: first }, variants),
    };
  return {
    environment,
    configured: true,
    enabled: config.enabled,
    offVariant: config.offVariant,
    prerequisites: config.prerequisites.map((p) => ({ flag: p.flag, variants: [...p.variants] })),
    targets: config.targets.map((t) => ({ variant: t.variant, values: t.values.join('\n') })),
    rules: config.rules.map((rule) => ({
      id: rule.id ?? '',
      description: rule.description ?? '',
      clauses: rule.clauses.map(clauseToForm),
      serve: serveToForm(rule.serve, variants),
    })),
    fallthrough: serveToForm(config.fallthrough, variants),
  };
}

/** The form for a definition; `environments` are every environment the reader may see, in order. */
export function toForm(definition: FlagDefinition, environments: readonly string[]): FlagForm {
  const variants = Object.keys(definition.variants);
  const keys = [
    ...environments,
    ...Object.keys(definition.environments).filter((e) => !environments.includes(e)),
  ];
  return {
    description: definition.description,
    type: definition.type,
    tags: definition.tags.join(', '),
    variants: Object.entries(definition.variants).map(([name, value]) => ({
      name,
      value: variantText(definition.type, value),
    })),
    environments: keys.map((key) => environmentToForm(key, definition.environments[key], variants)),
  };
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);

const NUMBER_OPERATORS: ReadonlySet<Operator> = new Set(['lt', 'lte', 'gt', 'gte']);
const DATE_OPERATORS: ReadonlySet<Operator> = new Set(['before', 'after']);

/** A clause's values as the document takes them: numbers for comparisons, epoch ms or ISO text for dates. */
export function clauseValues(clause: ClauseForm): (string | number)[] {
  if (clause.op === 'segmentMatch') return [...clause.segments];
  if (clause.op === 'exists') return [];
  return lines(clause.values).map((text) => {
    if (NUMBER_OPERATORS.has(clause.op) && text !== '' && Number.isFinite(Number(text))) return Number(text);
    if (DATE_OPERATORS.has(clause.op) && /^-?\d+$/.test(text)) return Number(text);
    return text;
  });
}

export function serveFromForm(serve: ServeForm): Serve {
  if (serve.mode === 'variant') return { variant: serve.variant };
  return {
    rollout: {
      ...(serve.bucketBy.trim() ? { bucketBy: serve.bucketBy.trim() } : {}),
      ...(serve.seed !== '' ? { seed: serve.seed } : {}),
      weights: serve.weights.map((w) => ({ variant: w.variant, weight: Number(w.weight) })),
    },
  };
}

function ruleFromForm(rule: RuleForm): Rule {
  return {
    ...(rule.id.trim() ? { id: rule.id.trim() } : {}),
    ...(rule.description.trim() ? { description: rule.description.trim() } : {}),
    clauses: rule.clauses.map((clause) => ({
      ...(clause.op === 'segmentMatch' || !clause.attribute.trim()
        ? {}
        : { attribute: clause.attribute.trim() }),
      op: clause.op,
      values: clauseValues(clause),
      negate: clause.negate,
    })),
    serve: serveFromForm(rule.serve),
  };
}

/** A problem found before sending: the form field it belongs to (react-hook-form name) and what is wrong. */
export interface FormProblem {
  name: string;
  message: string;
}

/** The document a form stands for, or the fields that cannot be read (a variant value of the wrong type). */
export function fromForm(
  key: string,
  form: FlagForm,
): { definition: FlagDefinitionInput; problems: [] } | { problems: FormProblem[] } {
  const problems: FormProblem[] = [];
  const variants: Record<string, JsonValue> = {};
  form.variants.forEach((variant, index) => {
    const parsed = parseVariant(form.type, variant.value);
    if ('problem' in parsed)
      problems.push({ name: `variants.${index}.value`, message: `must be ${parsed.problem}` });
    else variants[variant.name] = parsed.value;
  });
  if (problems.length > 0) return { problems };
  const environments: Record<string, EnvironmentConfig> = {};
  for (const env of form.environments) {
    if (!env.configured) continue;
    environments[env.environment] = {
      enabled: env.enabled,
      offVariant: env.offVariant,
      prerequisites: env.prerequisites.map((p) => ({ flag: p.flag, variants: [...p.variants] })),
      targets: env.targets.map((t) => ({ variant: t.variant, values: lines(t.values) })),
      rules: env.rules.map(ruleFromForm),
      fallthrough: serveFromForm(env.fallthrough),
    };
  }
  return {
    problems: [],
    definition: {
      key,
      description: form.description,
      type: form.type,
      variants,
      tags: form.tags
        .split(',')
        .map((tag) => tag.trim())
        .filter((tag) => tag.length > 0),
      environments,
    },
  };
}

import { type ClauseContext, checkClauses, checkText, clauseContext } from './clause-checks.js';
import {
  type EnvironmentConfig,
  FlagDefinition,
  type FlagType,
  type JsonValue,
  Segment,
} from './definition.js';
import { canonicalCopy, checkDocument } from './document.js';
import { fromZodIssues, IssueList, type Path, type ValidationResult } from './issues.js';
import {
  MAX_DESCRIPTION_LENGTH,
  MAX_ENVIRONMENTS,
  MAX_KEY_LENGTH,
  MAX_RULES,
  MAX_SEGMENT_VALUES,
  MAX_STRING_LENGTH,
  MAX_TAG_LENGTH,
  MAX_TAGS,
  MAX_TARGET_VALUES,
  MAX_VARIANT_NAME_LENGTH,
  MAX_VARIANT_VALUE_BYTES,
  MAX_VARIANTS,
} from './limits.js';
import { checkPrerequisites } from './prerequisites.js';
import { checkServe, hasVariant, unknownVariantMessage } from './serve.js';
import { utf8ByteLength } from './text.js';

/** What validation reads of the rest of the store. Every function is a synchronous lookup. */
export interface ValidationContext {
  /** A segment by key: truthy when it exists. */
  segments: (key: string) => boolean | Segment | undefined;
  /** A stored flag definition by key (the version being replaced, for this flag's own key, is ignored). */
  flags: (key: string) => FlagDefinition | undefined;
  /**
   * Every stored flag's key. Optional: given, the prerequisite depth limit also counts the stored flags
   * that depend on this one (an update can lengthen their chains); without it only the chain below this
   * flag is counted. Cycles are found either way.
   */
  flagKeys?: () => Iterable<string>;
  /** Whether an environment exists. Optional: without it any environment key is accepted. */
  environments?: (key: string) => boolean;
}

/**
 * Validates a flag definition as written by a user: its shape (the schema in definition.ts), then
 * everything that spans fields (variants named anywhere exist and have the flag's type; weights;
 * clause values per operator; known segments, flags and environments; no prerequisite cycle; the
 * limits in limits.ts). Never throws: `{ ok: true, value }` with every default filled in, or
 * `{ ok: false, issues }` in document order, each naming its path. An unexpected failure is reported as
 * one issue with code `INTERNAL_ERROR` (a server error, not the writer's).
 */
export function validateFlag(input: unknown, ctx: ValidationContext): ValidationResult<FlagDefinition> {
  return guarded(() => {
    const issues = new IssueList();
    if (!checkDocument(input, issues)) return { ok: false, issues: issues.items };
    const parsed = FlagDefinition.safeParse(input);
    if (!parsed.success) {
      fromZodIssues(parsed.error.issues, input, issues);
      return { ok: false, issues: issues.items };
    }
    const def = canonicalCopy(parsed.data);
    checkFlag(def, ctx, issues);
    return issues.empty ? { ok: true, value: def } : { ok: false, issues: issues.items };
  });
}

/**
 * Validates a segment: its shape, text and limits, and its rules' clauses as in a flag, except that
 * `segmentMatch` is refused inside a segment (a segment cannot refer to other segments, so membership
 * never recurses and needs no cycle check). Never throws, like {@link validateFlag}.
 */
export function validateSegment(input: unknown): ValidationResult<Segment> {
  return guarded(() => {
    const issues = new IssueList();
    if (!checkDocument(input, issues)) return { ok: false, issues: issues.items };
    const parsed = Segment.safeParse(input);
    if (!parsed.success) {
      fromZodIssues(parsed.error.issues, input, issues);
      return { ok: false, issues: issues.items };
    }
    const segment = canonicalCopy(parsed.data);
    checkText(segment.description, ['description'], MAX_DESCRIPTION_LENGTH, issues);
    const listed = segment.included.length + segment.excluded.length;
    if (listed > MAX_SEGMENT_VALUES) {
      issues.add(
        [],
        `lists ${listed} keys in included and excluded, more than the ${MAX_SEGMENT_VALUES} allowed`,
        'TOO_MANY',
      );
    } else {
      for (const field of ['included', 'excluded'] as const) {
        segment[field].forEach((key, index) => {
          if (key.length > MAX_STRING_LENGTH) {
            issues.add([field, index], `must be at most ${MAX_STRING_LENGTH} characters long`, 'TOO_LONG');
          }
        });
      }
    }
    if (segment.rules.length > MAX_RULES) {
      issues.add(
        ['rules'],
        `has ${segment.rules.length} rules, more than the ${MAX_RULES} allowed`,
        'TOO_MANY',
      );
    } else {
      const clauses = clauseContext('refuse');
      segment.rules.forEach((rule, index) => {
        checkClauses(rule.clauses, ['rules', index, 'clauses'], clauses, issues);
      });
    }
    return issues.empty ? { ok: true, value: segment } : { ok: false, issues: issues.items };
  });
}

function guarded<T>(validate: () => ValidationResult<T>): ValidationResult<T> {
  try {
    return validate();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      issues: [{ path: '', message: `could not be validated: ${reason}`, code: 'INTERNAL_ERROR' }],
    };
  }
}

function checkFlag(def: FlagDefinition, ctx: ValidationContext, issues: IssueList): void {
  checkText(def.description, ['description'], MAX_DESCRIPTION_LENGTH, issues);
  // Without variants every reference below would be reported too: say the one thing that matters.
  if (!checkVariants(def, issues)) return;
  if (def.tags.length > MAX_TAGS) {
    issues.add(['tags'], `has ${def.tags.length} tags, more than the ${MAX_TAGS} allowed`, 'TOO_MANY');
  } else {
    def.tags.forEach((tag, index) => {
      if (tag.length === 0) issues.add(['tags', index], 'must not be empty', 'TOO_SHORT');
      else checkText(tag, ['tags', index], MAX_TAG_LENGTH, issues);
    });
  }
  const environments = Object.entries(def.environments);
  if (environments.length > MAX_ENVIRONMENTS) {
    issues.add(
      ['environments'],
      `has ${environments.length} environments, more than the ${MAX_ENVIRONMENTS} allowed`,
      'TOO_MANY',
    );
    return;
  }
  // One regex budget for the whole document, across environments.
  const clauses = clauseContext({ lookup: ctx.segments });
  for (const [envKey, env] of environments) {
    const path = ['environments', envKey];
    if (ctx.environments !== undefined && !ctx.environments(envKey)) {
      issues.add(path, `unknown environment '${envKey}' (create it first)`, 'UNKNOWN_ENVIRONMENT');
      continue;
    }
    checkEnvironment(def, envKey, env, ctx, clauses, path, issues);
  }
}

/** The variants' names, types and sizes; false when there are none or too many to look further. */
function checkVariants(def: FlagDefinition, issues: IssueList): boolean {
  const entries = Object.entries(def.variants);
  if (entries.length === 0) {
    issues.add(['variants'], 'must name at least one variant', 'TOO_FEW');
    return false;
  }
  if (entries.length > MAX_VARIANTS) {
    issues.add(
      ['variants'],
      `has ${entries.length} variants, more than the ${MAX_VARIANTS} allowed`,
      'TOO_MANY',
    );
    return false;
  }
  for (const [name, value] of entries) {
    const path = ['variants', name];
    checkText(name, path, MAX_VARIANT_NAME_LENGTH, issues);
    if (!hasType(value, def.type)) {
      issues.add(
        path,
        `must be ${TYPE_NAMES[def.type]} (the flag's type is '${def.type}'), not ${describeJson(value)}`,
        'TYPE_MISMATCH',
      );
      continue;
    }
    const bytes = utf8ByteLength(JSON.stringify(value));
    if (bytes > MAX_VARIANT_VALUE_BYTES) {
      issues.add(
        path,
        `is ${bytes} bytes of JSON, more than the ${MAX_VARIANT_VALUE_BYTES} allowed for a variant`,
        'TOO_LARGE',
      );
    }
  }
  return true;
}

const TYPE_NAMES: Record<FlagType, string> = {
  boolean: 'true or false',
  string: 'a string',
  number: 'a finite number',
  object: 'a JSON object',
};

function hasType(value: JsonValue, type: FlagType): boolean {
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
  }
}

function describeJson(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'boolean' ? String(value) : JSON.stringify(value).slice(0, 60);
}

function checkEnvironment(
  def: FlagDefinition,
  envKey: string,
  env: EnvironmentConfig,
  ctx: ValidationContext,
  clauses: ClauseContext,
  path: Path,
  issues: IssueList,
): void {
  if (!hasVariant(def.variants, env.offVariant)) {
    issues.add(
      [...path, 'offVariant'],
      unknownVariantMessage(env.offVariant, def.variants),
      'UNKNOWN_VARIANT',
    );
  }
  checkPrerequisites(def, envKey, env, ctx, path, issues);
  checkTargets(def, env, [...path, 'targets'], issues);
  const rulesPath = [...path, 'rules'];
  if (env.rules.length > MAX_RULES) {
    issues.add(rulesPath, `has ${env.rules.length} rules, more than the ${MAX_RULES} allowed`, 'TOO_MANY');
  } else {
    const firstWithId = new Map<string, number>();
    env.rules.forEach((rule, index) => {
      const at = [...rulesPath, index];
      if (rule.id !== undefined) {
        checkText(rule.id, [...at, 'id'], MAX_KEY_LENGTH, issues);
        const first = firstWithId.get(rule.id);
        if (first !== undefined) {
          issues.add([...at, 'id'], `'${rule.id}' is already the id of rules[${first}]`, 'DUPLICATE');
        } else firstWithId.set(rule.id, index);
      }
      if (rule.description !== undefined)
        checkText(rule.description, [...at, 'description'], MAX_DESCRIPTION_LENGTH, issues);
      checkClauses(rule.clauses, [...at, 'clauses'], clauses, issues);
      checkServe(rule.serve, [...at, 'serve'], def.variants, issues);
    });
  }
  checkServe(env.fallthrough, [...path, 'fallthrough'], def.variants, issues);
}

/** Targets: known variants, bounded in total, and no targeting key sent to two variants. */
function checkTargets(def: FlagDefinition, env: EnvironmentConfig, path: Path, issues: IssueList): void {
  const total = env.targets.reduce((sum, target) => sum + target.values.length, 0);
  if (total > MAX_TARGET_VALUES) {
    issues.add(
      path,
      `list ${total} targeting keys, more than the ${MAX_TARGET_VALUES} allowed in an environment`,
      'TOO_MANY',
    );
    return;
  }
  const targetOf = new Map<string, number>();
  env.targets.forEach((target, index) => {
    const at = [...path, index];
    if (!hasVariant(def.variants, target.variant)) {
      issues.add([...at, 'variant'], unknownVariantMessage(target.variant, def.variants), 'UNKNOWN_VARIANT');
    }
    target.values.forEach((key, v) => {
      if (key.length > MAX_STRING_LENGTH) {
        issues.add([...at, 'values', v], `must be at most ${MAX_STRING_LENGTH} characters long`, 'TOO_LONG');
        return;
      }
      const other = targetOf.get(key);
      if (other !== undefined && other !== index) {
        issues.add([...at, 'values', v], `'${key}' is already targeted by targets[${other}]`, 'DUPLICATE');
      } else targetOf.set(key, index);
    });
  });
}

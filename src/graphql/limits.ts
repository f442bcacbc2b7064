import { ApolloServerErrorCode } from '@apollo/server/errors';
import type { RequestHandler } from 'express';
import {
  type ASTVisitor,
  type FieldNode,
  GraphQLError,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type ParseOptions,
  SchemaMetaFieldDef,
  type SelectionSetNode,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/*
 * Abuse limits on GraphQL documents, the same over HTTP (Apollo) and WebSocket (graphql-ws). A document
 * over a limit is refused before anything runs, as the client's mistake:
 *
 * - too long or too many tokens: refused before/while parsing, `GRAPHQL_PARSE_FAILED`;
 * - too deep, too many aliases, too many root fields or too costly: refused by validation rules,
 *   `GRAPHQL_VALIDATION_FAILED` (Apollo gives every validation error that code, ours included).
 *
 * Over HTTP both are status 400. Our schema is shallow (`flags { key }` is depth 2; the deepest real
 * selection, a rollout's weights read through a payload's `query`, `deleteFlag { query { flags {
 * environments { rules { serve { rollout { weights { variant } } } } } } } }`, depth 9) and two
 * unbounded list fields of objects (`Query.flags`, `Query.segments`: the lists inside a flag's document
 * are bounded by its limits, see `@withinFlag`), so the limits sit above anything a real client sends
 * and far below what hurts.
 */

/** Longest accepted document, in characters (UTF-16 code units); a longer one is refused unparsed. */
export const MAX_DOCUMENT_LENGTH = 10_000;

/**
 * Most lexical tokens the parser reads (graphql-js `parse(source, { maxTokens })`): it gives up past
 * this. The full introspection query is about 200 tokens; every document the client sends, under 50.
 */
export const MAX_TOKENS = 1_000;

/** Options for graphql-js `parse` (Apollo's `parseOptions`): enforces {@link MAX_TOKENS}. */
export const PARSE_OPTIONS: ParseOptions = { maxTokens: MAX_TOKENS };

/**
 * Deepest field nesting per operation: `flags { key }` is 2, a rollout's weights through a payload's
 * `query` 9. Fragments add no depth of their own.
 */
export const MAX_DEPTH = 10;

/** Most aliased fields per operation (`a: flags { key }` is one), counted through fragments. */
export const MAX_ALIASES = 15;

/**
 * Most fields at the root of an operation: queries, or mutations run one after the other. A
 * mutation document over this runs none of them.
 */
export const MAX_ROOT_FIELDS = 10;

/** How many items a list field is assumed to return when estimating cost. */
export const ASSUMED_LIST_SIZE = 100;

/**
 * Highest estimated cost per operation. Every field costs 1 plus what it selects; a list field's
 * selection is multiplied by {@link ASSUMED_LIST_SIZE}, except a list marked `@withinFlag` in the schema
 * (a part of one flag's document: bounded by the document's limits, and all of it served by
 * `Flag.definition` for a cost of 1). A fragment costs what its fields cost, at each
 * spread. `flags { key isEnabled }` costs 1 + 100 × 2 = 201; seven full `flags` listings fit.
 */
export const MAX_COST = 5_000;

export interface LimitRuleOptions {
  /**
   * Whether introspection is served (outside production). Then `__schema` and `__type` selections are
   * exempt from the depth and cost limits, so schema tools work: the standard introspection query
   * nests `ofType` nine deep and lists everywhere. Its answers are bounded by the (small) schema, and
   * graphql-js's own MaxIntrospectionDepthRule refuses the nesting that would make them explode.
   * Without introspection they are measured like any field (and Apollo refuses them anyway).
   */
  introspection: boolean;
}

/**
 * The validation rules enforcing {@link MAX_DEPTH}, {@link MAX_ALIASES}, {@link MAX_ROOT_FIELDS} and
 * {@link MAX_COST}: Apollo's `validationRules`, and the rules graphql-ws validates with (next to
 * graphql-js's `specifiedRules`).
 */
export function limitRules(options: LimitRuleOptions): ValidationRule[] {
  return [operationLimitsRule(options)];
}

/** A document over {@link MAX_DOCUMENT_LENGTH}: the error to answer with, else undefined. */
export function documentTooLong(source: string): GraphQLError | undefined {
  if (source.length <= MAX_DOCUMENT_LENGTH) return undefined;
  return new GraphQLError(
    `The document is ${source.length} characters long; at most ${MAX_DOCUMENT_LENGTH} are accepted`,
    { extensions: { code: ApolloServerErrorCode.GRAPHQL_PARSE_FAILED } },
  );
}

/**
 * Express middleware in front of Apollo at `/graphql` (after the JSON body parser): refuses a document
 * over {@link MAX_DOCUMENT_LENGTH} — in a POST body's `query` or a GET's `?query=` — with 400 and the
 * error in GraphQL's shape, before Apollo parses it. (An Apollo plugin cannot: an error thrown from
 * its pre-parse hooks becomes a 500.) Persisted queries are covered too: one is registered by sending it.
 */
export const refuseLongDocuments: RequestHandler = (req, res, next) => {
  const body: unknown = req.body;
  const sent = [
    typeof body === 'object' && body !== null && 'query' in body ? body.query : undefined,
    req.query.query,
  ].flat();
  for (const query of sent) {
    const error = typeof query === 'string' ? documentTooLong(query) : undefined;
    if (error) {
      res.status(400).json({ errors: [{ message: error.message, extensions: error.extensions }] });
      return;
    }
  }
  next();
};

interface Measure {
  /** Deepest field nesting. */
  depth: number;
  /** Estimated cost, see {@link MAX_COST}. */
  cost: number;
  /** Aliased fields. */
  aliases: number;
  /** Fields at this level (through fragments). */
  fields: number;
}

const NOTHING: Measure = { depth: 0, cost: 0, aliases: 0, fields: 0 };

function operationLimitsRule(options: LimitRuleOptions): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const meter = new Meter(context, options);
    return {
      OperationDefinition(operation) {
        const root = context.getSchema().getRootType(operation.operation) ?? undefined;
        const measured = meter.selectionSet(operation.selectionSet, root);
        for (const problem of problemsOf(measured)) {
          context.reportError(
            new GraphQLError(`${nameOf(operation)} ${problem}`, {
              nodes: operation,
              extensions: { code: ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED },
            }),
          );
        }
      },
    };
  };
}

function problemsOf({ depth, cost, aliases, fields }: Measure): string[] {
  const problems: string[] = [];
  if (depth > MAX_DEPTH) problems.push(`nests fields ${depth} deep; at most ${MAX_DEPTH} is allowed`);
  if (aliases > MAX_ALIASES) problems.push(`has ${aliases} aliases; at most ${MAX_ALIASES} are allowed`);
  if (fields > MAX_ROOT_FIELDS)
    problems.push(`selects ${fields} root fields; at most ${MAX_ROOT_FIELDS} are allowed`);
  if (cost > MAX_COST) {
    const shown = Number.isSafeInteger(cost) ? String(cost) : `more than ${Number.MAX_SAFE_INTEGER}`;
    problems.push(
      `has an estimated cost of ${shown}; at most ${MAX_COST} is allowed (each field costs 1, a list field multiplies what it selects by ${ASSUMED_LIST_SIZE})`,
    );
  }
  return problems;
}

const OPERATION_KINDS = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' } as const;

function nameOf(operation: OperationDefinitionNode): string {
  const kind = OPERATION_KINDS[operation.operation];
  return operation.name ? `${kind} '${operation.name.value}'` : `The ${operation.operation}`;
}

/**
 * Measures selection sets, following fragment spreads (each fragment measured once, then reused at
 * every spread, so a document cannot make the measuring itself expensive). Unknown fields, types and
 * fragments, and fragment cycles, are other rules' business: here they just count as little as possible.
 */
class Meter {
  private readonly schema: GraphQLSchema;
  private readonly fragments = new Map<string, Measure | 'measuring'>();

  constructor(
    private readonly context: ValidationContext,
    private readonly options: LimitRuleOptions,
  ) {
    this.schema = context.getSchema();
  }

  selectionSet(set: SelectionSetNode, parent: GraphQLNamedType | undefined): Measure {
    let depth = 0;
    let cost = 0;
    let aliases = 0;
    let fields = 0;
    for (const selection of set.selections) {
      let measured: Measure;
      if (selection.kind === Kind.FIELD) measured = this.field(selection, parent);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition;
        const type = condition ? this.schema.getType(condition.name.value) : parent;
        measured = this.selectionSet(selection.selectionSet, type);
      } else measured = this.fragment(selection.name.value);
      depth = Math.max(depth, measured.depth);
      cost += measured.cost;
      aliases += measured.aliases;
      fields += measured.fields;
    }
    return { depth, cost, aliases, fields };
  }

  private field(node: FieldNode, parent: GraphQLNamedType | undefined): Measure {
    const name = node.name.value;
    const aliased = node.alias ? 1 : 0;
    const type = fieldType(parent, name);
    if (!node.selectionSet) return { depth: 1, cost: 1, aliases: aliased, fields: 1 };
    const inner = this.selectionSet(node.selectionSet, type && getNamedType(type));
    if (this.options.introspection && (name === '__schema' || name === '__type')) {
      return { depth: 1, cost: 1, aliases: aliased + inner.aliases, fields: 1 };
    }
    return {
      depth: 1 + inner.depth,
      cost: 1 + (withinFlag(parent, name) ? 1 : listFactor(type)) * inner.cost,
      aliases: aliased + inner.aliases,
      fields: 1,
    };
  }

  private fragment(name: string): Measure {
    const known = this.fragments.get(name);
    if (known === 'measuring') return NOTHING; // a cycle: NoFragmentCyclesRule reports it
    if (known) return known;
    const definition = this.context.getFragment(name);
    if (!definition) return NOTHING; // KnownFragmentNamesRule reports it
    this.fragments.set(name, 'measuring');
    const measured = this.selectionSet(
      definition.selectionSet,
      this.schema.getType(definition.typeCondition.name.value),
    );
    this.fragments.set(name, measured);
    return measured;
  }
}

function fieldType(parent: GraphQLNamedType | undefined, name: string): GraphQLOutputType | undefined {
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef.type;
  if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef.type;
  if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef.type;
  if (isObjectType(parent) || isInterfaceType(parent)) return parent.getFields()[name]?.type;
  return undefined;
}

/** Whether the schema marks `parent.name` `@withinFlag` (a list bounded by one flag's document). */
function withinFlag(parent: GraphQLNamedType | undefined, name: string): boolean {
  if (!isObjectType(parent) && !isInterfaceType(parent)) return false;
  const directives = parent.getFields()[name]?.astNode?.directives ?? [];
  return directives.some((directive) => directive.name.value === WITHIN_FLAG);
}

const WITHIN_FLAG = 'withinFlag';

/** ASSUMED_LIST_SIZE for a list, its square for a list of lists, and so on; 1 for anything else. */
function listFactor(type: GraphQLOutputType | undefined): number {
  let factor = 1;
  let current: GraphQLOutputType | undefined = type;
  while (current) {
    if (isNonNullType(current)) current = current.ofType;
    else if (isListType(current)) {
      factor *= ASSUMED_LIST_SIZE;
      current = current.ofType;
    } else break;
  }
  return factor;
}

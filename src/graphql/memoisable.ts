import type { ApolloServerPlugin } from '@apollo/server';
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { GraphQLContext } from './context.js';

/**
 * Root query fields whose answer depends on nothing but their arguments, the principal's environment
 * (read-scope.ts) and the snapshot: they and every field below them resolve from those alone
 * (resolvers.ts), never from the request or the clock. The memo key holds the principal and the
 * arguments (request-key.ts). A new query field is not memoised until it is listed here.
 */
const FLAG_STATE_FIELDS = new Set([
  'flags',
  'flag',
  'environments',
  'readEnvironment',
  'segments',
  'segment',
  '__typename',
]);

/** Filled in by {@link markMemoisable} while Apollo runs a request; read by the HTTP handler after. */
export interface MemoVerdict {
  /** True once the request was a query of flag state only, and answered 200 without errors. */
  memoisable: boolean;
  /**
   * Set by a resolver that read a past state (`asOf`): never memoised, since retention may put that
   * moment out of reach (AS_OF_BEYOND_RETENTION) without any change to the live view.
   */
  readsHistory?: boolean;
}

/**
 * True when `operation` is a query selecting only {@link FLAG_STATE_FIELDS} at its root (through
 * fragments too). Never a mutation or a subscription, never introspection (`__schema`, `__type`).
 */
export function readsOnlyFlagState(operation: OperationDefinitionNode, document: DocumentNode): boolean {
  if (operation.operation !== 'query') return false;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const visited = new Set<string>();
  const onlyFlagState = (set: SelectionSetNode): boolean =>
    set.selections.every((selection) => {
      if (selection.kind === Kind.FIELD) return FLAG_STATE_FIELDS.has(selection.name.value);
      if (selection.kind === Kind.INLINE_FRAGMENT) return onlyFlagState(selection.selectionSet);
      const name = selection.name.value;
      if (visited.has(name)) return true;
      visited.add(name);
      const fragment = fragments.get(name);
      return fragment !== undefined && onlyFlagState(fragment.selectionSet);
    });
  return onlyFlagState(operation.selectionSet);
}

/**
 * Apollo plugin: tells the HTTP handler (through the request's context) whether the answer may be
 * memoised. Only after Apollo has parsed, validated (our limits included) and resolved the operation,
 * and only for an answer with status 200 and no errors: a refused or failed request is never memoised,
 * so it is refused again, by Apollo, every time.
 */
export const markMemoisable: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart({ contextValue }) {
    const verdict = contextValue.memoVerdict;
    if (!verdict) return;
    let readOnly = false;
    return {
      async didResolveOperation({ operation, document }) {
        readOnly = operation !== undefined && readsOnlyFlagState(operation, document);
      },
      async willSendResponse({ response }) {
        verdict.memoisable =
          readOnly &&
          verdict.readsHistory !== true &&
          response.body.kind === 'single' &&
          response.body.singleResult.errors === undefined &&
          (response.http.status ?? 200) === 200;
      },
    };
  },
};

import { encodeCursor } from '../audit/audit-cursor.js';
import type { AuditAction } from '../audit/audit-entry.js';
import { assertMayReadAudit, auditFilterOf, pageSizeOf } from '../audit/audit-query.js';
import { type AuditEntryView, auditEntryView } from '../audit/audit-view.js';
import type { AuditFilter as AuditFilterInput, Resolvers } from './generated.js';

type GraphQLAction = NonNullable<AuditFilterInput['actions']>[number];

/**
 * `set-rules` <-> `SET_RULES`: the REST spelling of each action and its GraphQL enum value. Written out
 * so that the type checker holds the two sets equal: an action the schema's enum lacks could not be
 * served (GraphQL refuses to serialise it, failing the whole page).
 */
const ACTION_ENUM: { readonly [A in AuditAction]: GraphQLAction } = {
  create: 'CREATE',
  update: 'UPDATE',
  replace: 'REPLACE',
  toggle: 'TOGGLE',
  'set-rules': 'SET_RULES',
  'set-rollout': 'SET_ROLLOUT',
  delete: 'DELETE',
  promote: 'PROMOTE',
  'segment-create': 'SEGMENT_CREATE',
  'segment-replace': 'SEGMENT_REPLACE',
  'segment-delete': 'SEGMENT_DELETE',
  'environment-create': 'ENVIRONMENT_CREATE',
  'environment-update': 'ENVIRONMENT_UPDATE',
};
const toEnum = (action: AuditAction) => ACTION_ENUM[action];
const fromEnum = (action: GraphQLAction) => action.toLowerCase().replaceAll('_', '-');

/** The GraphQL filter as the transports' common filter input (audit-query.ts checks it). */
function filterOf(input: AuditFilterInput | null | undefined) {
  return auditFilterOf({
    ...input,
    entity: input?.entity?.toLowerCase(),
    actions: input?.actions?.map(fromEnum),
  });
}

/** `auditLog` (a connection over AuditLog.query) and `auditEntryAdded` (the AuditFeed); admins only. */
export const auditResolvers: Resolvers = {
  Query: {
    auditLog: async (_parent, { filter, first, after }, ctx) => {
      assertMayReadAudit(ctx.principal);
      const audit = filterOf(filter);
      const page = await ctx.audit.query(audit, pageSizeOf(first, 'first'), after ?? undefined);
      const edges = page.entries.map((entry) => ({
        cursor: encodeCursor(audit, entry.revision),
        node: auditEntryView(entry),
      }));
      return {
        edges,
        pageInfo: { hasNextPage: page.nextCursor !== null, endCursor: edges.at(-1)?.cursor ?? null },
        truncated: page.truncated,
      };
    },
  },
  Subscription: {
    auditEntryAdded: {
      // Checked before the feed registers anything: a refused subscriber costs nothing.
      subscribe: (_parent, { filter }, ctx) => {
        assertMayReadAudit(ctx.principal);
        return ctx.auditFeed.subscribe(filterOf(filter));
      },
      resolve: (entry: Parameters<typeof auditEntryView>[0]): AuditEntryView => auditEntryView(entry),
    },
  },
  AuditEntry: {
    action: (entry) => toEnum(entry.action),
    entity: (entry) => entry.entity.toUpperCase() as 'FLAG' | 'SEGMENT' | 'ENVIRONMENT',
    from: (entry) => entry.from ?? null,
  },
  AuditDiff: {
    op: (diff) => diff.op.toUpperCase() as 'ADD' | 'REMOVE' | 'REPLACE',
    before: (diff) => ('before' in diff ? diff.before : null),
    after: (diff) => ('after' in diff ? diff.after : null),
  },
};

import type { AuditAction, AuditEntry } from '../audit/audit-entry.js';

/** Which entries an endpoint receives; every condition given must hold. */
export interface WebhookFilter {
  /** Entries about flags whose key starts with it (entries about segments and environments are left out). */
  readonly prefix?: string | undefined;
  /** Entries whose `environments` hold one of these (as GET /audit?environment=: segment entries hold none). */
  readonly environments?: readonly string[] | undefined;
  /** Entries with one of these actions. */
  readonly actions?: readonly AuditAction[] | undefined;
}

/** One configured receiver (WEBHOOKS). */
export interface WebhookEndpoint {
  /** Its identity: the delivery cursor, the lease, delivery ids, metrics and logs go by it. */
  readonly name: string;
  readonly url: string;
  /** Signs every request (HMAC-SHA256); never logged. */
  readonly secret: string;
  readonly filter: WebhookFilter;
  /**
   * Where a new endpoint (no cursor in the store yet) starts: `now`, after the store's current revision
   * (default), or `oldest`, with the oldest entry retention kept.
   */
  readonly from: 'now' | 'oldest';
}

/** Whether `endpoint` receives `entry`. */
export function endpointWants(filter: WebhookFilter, entry: AuditEntry): boolean {
  return (
    (filter.prefix === undefined || (entry.entity === 'flag' && entry.key.startsWith(filter.prefix))) &&
    (filter.environments === undefined ||
      entry.environments.some((environment) => filter.environments?.includes(environment))) &&
    (filter.actions === undefined || filter.actions.includes(entry.action))
  );
}

/** What logs and errors may say about an endpoint: never its secret, nor the URL's credentials or query. */
export function describeEndpoint(endpoint: Pick<WebhookEndpoint, 'name' | 'url'>): {
  endpoint: string;
  target: string;
} {
  const url = new URL(endpoint.url);
  return { endpoint: endpoint.name, target: `${url.origin}${url.pathname}` };
}

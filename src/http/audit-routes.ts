import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { AuditFilter, AuditLog } from '../audit/audit-log.js';
import { MAX_AUDIT_PAGE } from '../audit/audit-log.js';
import { assertMayReadAudit, auditFilterOf, boundOf, pageSizeOf } from '../audit/audit-query.js';
import { auditEntryView } from '../audit/audit-view.js';
import { toPublicError } from '../errors.js';
import { ValidationError } from '../flags/errors.js';
import { principalOf } from './access.js';
import { parseQuery } from './query-params.js';

const AuditQuery = z.strictObject({
  flag: z.string().optional(),
  segment: z.string().optional(),
  entity: z.string().optional(),
  environment: z.string().optional(),
  actor: z.string().optional(),
  /** One action or several, comma-separated. */
  action: z.string().optional(),
  /** A revision (digits) or an ISO-8601 time, inclusive. */
  since: z.string().optional(),
  until: z.string().optional(),
  limit: z.string().optional(),
  cursor: z.string().optional(),
  format: z.string().optional(),
});

export const NDJSON = 'application/x-ndjson';

/**
 * `GET /audit`: the audit history, newest first, admin tokens only. JSON pages (`entries`,
 * `nextCursor`, `truncated`), or with `?format=ndjson` / `Accept: application/x-ndjson` every matching
 * entry as one JSON line each, streamed page by page (never held whole), ending with a
 * `{"truncated":true}` line when retention cut the history short (or an `{"error":...}` line when the
 * store failed mid-way). Thin: the AuditLog answers.
 */
export function auditRoutes(audit: AuditLog): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    assertMayReadAudit(principalOf(res));
    const query = parseQuery(AuditQuery, req);
    const since = boundOf(query.since);
    const until = boundOf(query.until);
    const filter = auditFilterOf({
      flag: query.flag,
      segment: query.segment,
      entity: query.entity,
      environment: query.environment,
      actor: query.actor,
      actions: query.action?.split(',').map((action) => action.trim()),
      sinceRevision: since.revision,
      since: since.time,
      untilRevision: until.revision,
      until: until.time,
    });
    if (wantsNdjson(req, query.format)) {
      if (query.limit !== undefined || query.cursor !== undefined)
        throw new ValidationError("An export streams every entry: it takes no 'limit' or 'cursor'", {
          field: query.limit !== undefined ? 'limit' : 'cursor',
        });
      await exportNdjson(audit, filter, req, res);
      return;
    }
    const limit = pageSizeOf(query.limit === undefined ? undefined : integerOf(query.limit), 'limit');
    const page = await audit.query(filter, limit, query.cursor);
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      entries: page.entries.map(auditEntryView),
      nextCursor: page.nextCursor,
      truncated: page.truncated,
    });
  });
  return router;
}

function wantsNdjson(req: Request, format: string | undefined): boolean {
  if (format !== undefined) {
    if (format !== 'json' && format !== 'ndjson')
      throw new ValidationError("'format' must be 'json' or 'ndjson'", { field: 'format' });
    return format === 'ndjson';
  }
  return req.accepts(['application/json', NDJSON]) === NDJSON;
}

function integerOf(text: string): number {
  return /^[0-9]{1,6}$/.test(text) ? Number(text) : Number.NaN;
}

/**
 * Every page of the query, one line per entry, written as the client takes them (waits for 'drain'),
 * and given up when the client goes away. Memory holds one page at a time.
 */
async function exportNdjson(
  audit: AuditLog,
  filter: AuditFilter,
  req: Request,
  res: Response,
): Promise<void> {
  let closed = false;
  req.once('close', () => {
    closed = true;
  });
  // The first page before the headers: a refusal (a bad cursor, the store down) is still a plain error.
  let page = await audit.query(filter, MAX_AUDIT_PAGE);
  res.writeHead(200, { 'Content-Type': `${NDJSON}; charset=utf-8`, 'Cache-Control': 'no-store' });
  try {
    for (;;) {
      for (const entry of page.entries) {
        if (closed) return;
        if (!res.write(`${JSON.stringify(auditEntryView(entry))}\n`))
          await new Promise((resolve) => {
            res.once('drain', resolve);
            res.once('close', resolve);
          });
      }
      if (page.truncated) res.write('{"truncated":true}\n');
      if (!page.nextCursor || closed) break;
      page = await audit.query(filter, MAX_AUDIT_PAGE, page.nextCursor);
    }
  } catch (err) {
    // Too late for a status: the last line says the export stopped, and why.
    res.write(`${JSON.stringify(toPublicError(err).body)}\n`);
  }
  res.end();
}

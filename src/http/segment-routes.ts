import express, { type Request, type RequestHandler, type Response, Router } from 'express';
import { z } from 'zod';
import { SegmentNotFoundError, VersionMismatchError } from '../flags/errors.js';
import { type SegmentRecord, segmentRecordKey } from '../flags/flag.js';
import type { ReplaceGuard } from '../flags/flag-service.js';
import type { SegmentService } from '../flags/segment-service.js';
import { segmentView } from '../flags/segment-view.js';
import { assertValidKey } from '../flags/validation.js';
import type { AsOfReads } from './as-of-reads.js';
import { attributionOfRequest } from './comment-header.js';
import { type MemoisedBody, memoise } from './flag-list-memo.js';
import { writeConditional } from './poll-fast-path.js';
import { acceptQuery, NO_QUERY_PARAMS, parseQuery } from './query-params.js';
import { rejectInvalidUtf8, requireJsonBody } from './request-parsing.js';
import type { SegmentListMemo } from './segment-list-memo.js';
import { writeGuardOf } from './write-guard.js';

export interface SegmentRoutesDeps {
  segments: SegmentService;
  memo: SegmentListMemo;
  /** `?asOf=` reads: segments as they were (time travel). */
  asOf: AsOfReads;
  bodyLimitBytes: number;
}

/** Reads take the moment (`asOf`); nothing else. */
const ReadQuery = z.strictObject({ asOf: z.string().optional() });

/**
 * The REST resource `/segments`: named, reusable sets of contexts shared by every environment. Thin:
 * the service validates and guards versions, reads come from the snapshot. Access (admin writes,
 * admin and client reads) is checked before these routes, as for `/feature-flags`.
 */
export function segmentRoutes(deps: SegmentRoutesDeps): Router {
  const { segments, memo } = deps;
  const router = Router();
  const noQuery = acceptQuery(NO_QUERY_PARAMS);
  const jsonBody: RequestHandler[] = [
    (req, _res, next) => {
      requireJsonBody(req);
      next();
    },
    express.json({ limit: deps.bodyLimitBytes, verify: rejectInvalidUtf8 }),
  ];

  router.get('/', async (req, res) => {
    const { asOf } = parseQuery(ReadQuery, req);
    if (asOf === undefined) {
      writeConditional(req.headers['if-none-match'], res, memo.get());
      return;
    }
    const state = await deps.asOf.stateFor(asOf, res);
    writeConditional(req.headers['if-none-match'], res, deps.asOf.segmentList(state).get());
  });

  router.post('/', noQuery, ...jsonBody, async (req, res) => {
    const segment = await segments.create(attributionOfRequest(req, res), req.body);
    res.location(`/segments/${encodeURIComponent(segment.definition.key)}`);
    sendSegment(res.status(201), segment);
  });

  router.get('/:key', async (req, res) => {
    const { asOf } = parseQuery(ReadQuery, req);
    const key = req.params.key;
    assertValidKey(key);
    const { records } = await deps.asOf.stateFor(asOf, res);
    const record = records.get(segmentRecordKey(key));
    if (record?.kind !== 'segment') throw new SegmentNotFoundError(key);
    writeConditional(req.headers['if-none-match'], res, representationOf(record));
  });

  router.put('/:key', noQuery, ...jsonBody, async (req, res) => {
    const key = String(req.params.key);
    const by = attributionOfRequest(req, res);
    const { segment, created } = await segments.replace(by, key, req.body, await guardOf(req, segments, key));
    if (created) res.location(`/segments/${encodeURIComponent(key)}`);
    sendSegment(res.status(created ? 201 : 200), segment);
  });

  router.delete('/:key', noQuery, async (req, res) => {
    const key = String(req.params.key);
    const by = attributionOfRequest(req, res);
    await segments.remove(by, key, (await guardOf(req, segments, key)).expectedVersion);
    res.status(204).end();
  });

  return router;
}

/** One segment as served: its JSON body and strong ETag (the same for GET, writes and If-Match). */
function representationOf(segment: SegmentRecord): MemoisedBody {
  return memoise(Buffer.from(JSON.stringify(segmentView(segment))));
}

function sendSegment(res: Response, segment: SegmentRecord): void {
  const { body, headers200 } = representationOf(segment);
  res.writeHead(res.statusCode, headers200);
  res.end(body);
}

/** `If-Match` on a segment write, as on `/feature-flags/:key` (write-guard.ts). */
function guardOf(req: Request, segments: SegmentService, key: string): Promise<ReplaceGuard> {
  return writeGuardOf(req.headers['if-match'], {
    current: () => segments.current(key),
    etagOf: (segment) => representationOf(segment).etag,
    notFound: () => new SegmentNotFoundError(key),
    stale: (tag, currentVersion) => new VersionMismatchError(key, tag, currentVersion, 'Segment'),
  });
}

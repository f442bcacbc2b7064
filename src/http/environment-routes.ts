import express, { type RequestHandler, Router } from 'express';
import { z } from 'zod';
import { type EnvironmentService, environmentViews } from '../flags/environment-service.js';
import { ValidationError } from '../flags/errors.js';
import type { AsOfReads } from './as-of-reads.js';
import { attributionOfRequest } from './comment-header.js';
import { acceptQuery, NO_QUERY_PARAMS, parseQuery } from './query-params.js';
import { rejectInvalidUtf8, requireJsonBody } from './request-parsing.js';

/** The list takes the moment (`asOf`): the environments as they were. */
const ListQuery = z.strictObject({ asOf: z.string().optional() });

/**
 * The REST resource `/environments`: `GET` lists them (any token; `?asOf=` as they were), `POST {"key","description"?}`
 * creates one, `PATCH /{key} {"description"}` describes one (admin tokens: `writesNeedAdmin` runs first).
 * Thin: the service validates.
 */
export function environmentRoutes(
  environments: EnvironmentService,
  asOf: AsOfReads,
  bodyLimitBytes: number,
): Router {
  const router = Router();
  const noQuery = acceptQuery(NO_QUERY_PARAMS);
  const jsonBody: RequestHandler[] = [
    (req, _res, next) => {
      requireJsonBody(req);
      next();
    },
    express.json({ limit: bodyLimitBytes, verify: rejectInvalidUtf8 }),
  ];

  router.get('/', async (req, res) => {
    const query = parseQuery(ListQuery, req);
    if (query.asOf === undefined) {
      res.json(environments.list());
      return;
    }
    res.json(environmentViews((await asOf.stateFor(query.asOf, res)).records));
  });

  router.post('/', noQuery, ...jsonBody, async (req, res) => {
    const environment = await environments.create(attributionOfRequest(req, res), req.body);
    res.location(`/environments/${encodeURIComponent(environment.key)}`);
    res.status(201).json(environment);
  });

  router.patch('/:key', noQuery, ...jsonBody, async (req, res) => {
    res.json(
      await environments.update(
        attributionOfRequest(req, res),
        String(req.params.key),
        descriptionPatch(req.body),
      ),
    );
  });

  return router;
}

/** `{"description": "..."}`, the one field an environment may change; else VALIDATION_FAILED. */
function descriptionPatch(body: unknown): { description: string } {
  const fields = typeof body === 'object' && body !== null && !Array.isArray(body) ? body : undefined;
  const unknown = fields && Object.keys(fields).find((field) => field !== 'description');
  if (!fields || unknown !== undefined || !('description' in fields))
    throw new ValidationError(
      'The body must be {"description": "..."}: an environment\'s key never changes',
      {
        field: unknown?.slice(0, 64) ?? 'description',
      },
    );
  return { description: fields.description as string };
}

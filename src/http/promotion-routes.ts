import express, { Router } from 'express';
import { z } from 'zod';
import type { Promotion, PromotionService } from '../flags/promotion-service.js';
import { attributionOfRequest } from './comment-header.js';
import { acceptQuery, NO_QUERY_PARAMS } from './query-params.js';
import { parseBody, rejectInvalidUtf8, requireJsonBody } from './request-parsing.js';

/** `POST /environments/{to}/promotions`: exactly one of `flags` and `prefix` (the service checks). */
const PromotionBody = z.strictObject({
  from: z.string(),
  flags: z.array(z.string()).optional(),
  prefix: z.string().optional(),
  dryRun: z.boolean().optional(),
  expectedVersions: z.record(z.string(), z.number()).optional(),
});

/**
 * Promotion between environments, `POST /environments/{to}/promotions` (admin tokens: `writesNeedAdmin`
 * runs first, for a dry run too): `{"from", "flags" | "prefix", "dryRun"?, "expectedVersions"?}`, the
 * comment in `Flagwire-Comment`. Thin: the service selects, validates, guards and writes.
 */
export function promotionRoutes(promotions: PromotionService, bodyLimitBytes: number): Router {
  const router = Router();
  router.post(
    '/:to/promotions',
    acceptQuery(NO_QUERY_PARAMS),
    (req, _res, next) => {
      requireJsonBody(req);
      next();
    },
    express.json({ limit: bodyLimitBytes, verify: rejectInvalidUtf8 }),
    async (req, res) => {
      const body = parseBody(PromotionBody, req.body);
      const promotion = await promotions.promote(attributionOfRequest(req, res), {
        from: body.from,
        to: String(req.params.to),
        flags: body.flags,
        prefix: body.prefix,
        dryRun: body.dryRun ?? false,
        expectedVersions: body.expectedVersions,
      });
      res.setHeader('Cache-Control', 'no-store');
      res.json(promotionView(promotion));
    },
  );
  return router;
}

/** The REST answer: each flag's key, status, version, revision and diff (not the whole flag). */
function promotionView(promotion: Promotion) {
  return {
    from: promotion.from,
    to: promotion.to,
    dryRun: promotion.dryRun,
    flags: promotion.flags.map(({ key, status, version, revision, diff }) => ({
      key,
      status,
      version,
      revision,
      diff,
    })),
  };
}

import { Router } from 'express';
import { toPublicError } from '../errors.js';
import type { FlagStore } from '../flags/store/flag-store.js';

/** `/healthz`: the process answers. `/readyz`: it can also reach its store, so it can take writes. */
export function healthRoutes(store: FlagStore): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await store.ping();
      res.json({ status: 'ready', store: 'ok' });
    } catch (err) {
      const { body } = toPublicError(err);
      res.status(503).json({ status: 'unavailable', store: body.error.code, ...body });
    }
  });
  return router;
}

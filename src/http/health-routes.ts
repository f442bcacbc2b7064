import { Router } from 'express';
import { type AppError, toPublicError } from '../errors.js';
import type { FlagStore } from '../flags/store/flag-store.js';
import { acceptQuery, NO_QUERY_PARAMS } from './query-params.js';

export interface HealthDeps {
  store: FlagStore;
  /** The shared bus (Redis), if any: `undefined` when the instance runs alone. */
  bus: { ping(): Promise<void> } | undefined;
  /** How long a dependency may take to answer before it counts as down. */
  timeoutMs: number;
  /** Why this instance refuses writes although its dependencies may answer (a misconfiguration), if it does. */
  refusal?: () => AppError | undefined;
}

/**
 * `/healthz`: the process answers. `/readyz`: 200 `ready` when the store (and Redis, if used) answer;
 * 200 `degraded` when only Redis is away (everything is served; other instances hear of changes late);
 * 503 `unavailable` when the store is away (reads are still served from memory, writes fail with 503);
 * 503 `misconfigured` with the error writes get (e.g. STORE_MISMATCH: another store holds the Redis
 * bus), whatever the dependencies say: the instance must leave the load balancer until it is fixed.
 */
export function healthRoutes(deps: HealthDeps): Router {
  const router = Router();
  const noQuery = acceptQuery(NO_QUERY_PARAMS);
  router.get('/healthz', noQuery, (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', noQuery, async (_req, res) => {
    const [store, redis] = await Promise.all([
      check(() => deps.store.ping(), deps.timeoutMs),
      deps.bus
        ? check(() => deps.bus?.ping() ?? Promise.resolve(), deps.timeoutMs)
        : Promise.resolve('unused'),
    ]);
    const refused = deps.refusal?.();
    if (refused) {
      const { error } = toPublicError(refused).body;
      res.status(503).json({ status: 'misconfigured', store, redis, error });
      return;
    }
    const status =
      store !== 'ok' ? 'unavailable' : redis === 'ok' || redis === 'unused' ? 'ready' : 'degraded';
    res.status(status === 'unavailable' ? 503 : 200).json({ status, store, redis });
  });
  return router;
}

/**
 * Pings the store and (if used) Redis, each bounded by `timeoutMs`: 'ok', 'unused', or the code that
 * says why not. Shared by /readyz and the `flagwire_dependency_up` metric.
 */
export async function probeDependencies(deps: HealthDeps): Promise<{ store: string; redis: string }> {
  const { bus } = deps;
  const [store, redis] = await Promise.all([
    check(() => deps.store.ping(), deps.timeoutMs),
    bus ? check(() => bus.ping(), deps.timeoutMs) : Promise.resolve('unused'),
  ]);
  return { store, redis };
}

/** 'ok', or the error code that says why not (STORE_UNAVAILABLE, TIMEOUT, ...). */
async function check(probe: () => Promise<void>, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('TIMEOUT'), timeoutMs);
  });
  try {
    return await Promise.race([probe().then(() => 'ok'), timeout]);
  } catch (err) {
    const code = toPublicError(err).body.error.code;
    return code === 'INTERNAL' ? 'UNAVAILABLE' : code;
  } finally {
    clearTimeout(timer);
  }
}

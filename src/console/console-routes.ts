import { join } from 'node:path';
import express, { type Response, Router } from 'express';
import type { ConsoleBuildState } from './build-state.js';

/** Where the console is served; `/` redirects here. */
export const CONSOLE_PATH = '/console';

/**
 * The console's page may load and connect to this origin only: no inline script, no framing. The token
 * it holds can leave the page only towards the service itself.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function pageHeaders(res: Response): void {
  res.set({
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    // The page is small and names hashed bundles: always ask, so a new build is seen at once.
    'Cache-Control': 'no-cache',
  });
}

/**
 * The admin console: the single-page app built into console/dist, at `/console/` (every path below it
 * answers the page; the app routes in the browser), and `/` redirecting there. Bundles are named by
 * their content hash, so they are cached for good. A build that is stale or missing (build-state.ts) is
 * never served: every console path answers 503 saying so and how to fix it.
 */
export function consoleRoutes(state: ConsoleBuildState, access: { openAccess: boolean }): Router {
  const router = Router();
  router.get('/', (_req, res) => res.redirect(302, `${CONSOLE_PATH}/`));
  if (state.status !== 'ready') {
    const message = `The admin console is not available: ${state.reason}. Run \`npm run build:console\` (\`npm start\` does it for you), then restart the service.`;
    router.get([CONSOLE_PATH, `${CONSOLE_PATH}/*splat`], (_req, res) => {
      pageHeaders(res);
      res.status(503).type('text/plain; charset=utf-8').send(`${message}\n`);
    });
    return router;
  }
  const index = join(state.dir, 'index.html');
  // Whether to show the sign-in form before asking anything (a 401 would be an error in the browser's
  // console). Tells no more than any request without a token does.
  router.get(`${CONSOLE_PATH}/access.json`, (_req, res) => {
    res.set('Cache-Control', 'no-store').json(access);
  });
  // Non-strict routing matches `/console/` here too: only the bare path is sent to the one with a slash
  // (the page's relative asset paths need it).
  router.get(CONSOLE_PATH, (req, res, next) =>
    req.path === CONSOLE_PATH ? res.redirect(301, `${CONSOLE_PATH}/`) : next(),
  );
  router.use(
    `${CONSOLE_PATH}/assets`,
    express.static(join(state.dir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
    }),
  );
  router.get([CONSOLE_PATH, `${CONSOLE_PATH}/*splat`], (_req, res, next) => {
    pageHeaders(res);
    res.type('text/html; charset=utf-8').sendFile(index, (err) => err && next(err));
  });
  return router;
}

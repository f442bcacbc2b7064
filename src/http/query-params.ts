import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import { ValidationError } from '../flags/errors.js';

/*
 * Every route declares the query parameters it takes, next to the route, as a strict zod object of
 * optional strings (what one query value is): `z.strictObject({ prefix: z.string().optional() })`.
 * Anything else in the query string — a typo, `prefix[$ne]`, an empty name, a parameter given twice —
 * is refused with `400 VALIDATION_FAILED` naming the parameter: a client that meant to filter must
 * never silently get everything.
 */

/** A route's query parameters: a strict object (unknown names fail), its values strings. */
export type QueryParams = z.ZodObject<Record<string, z.ZodType<string | undefined>>, z.core.$strict>;

/** A route that takes no query parameters at all. */
export const NO_QUERY_PARAMS = z.strictObject({});

/** Longest parameter name quoted back in a message (a name can be as long as the URL). */
const MAX_QUOTED = 64;

/** `req.query` checked against the route's parameters; throws VALIDATION_FAILED naming the culprit. */
export function parseQuery<P extends QueryParams>(params: P, req: Request): z.output<P> {
  const query = req.query as Record<string, unknown>;
  const parsed = params.safeParse(query);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue?.code === 'unrecognized_keys') {
    const allowed = Object.keys(params.shape);
    const name = quote(issue.keys[0] ?? '');
    throw new ValidationError(
      `Unknown query parameter '${name}': ${
        allowed.length === 0
          ? 'this endpoint takes no query parameters'
          : `this endpoint takes only ${allowed.map((known) => `'${known}'`).join(', ')}`
      }`,
      { field: name },
    );
  }
  const name = String(issue?.path[0] ?? '');
  // The query parser makes an array of a repeated parameter (and, were it configured so, an object of
  // `name[sub]=`): either way not the one plain value the route reads.
  throw new ValidationError(
    Array.isArray(query[name])
      ? `Query parameter '${quote(name)}' must be given at most once`
      : `Query parameter '${quote(name)}' must be a plain string`,
    { field: quote(name) },
  );
}

/** Middleware form, for a route that reads no parameter itself: refuses any it does not take. */
export function acceptQuery(params: QueryParams): RequestHandler {
  return (req, _res, next) => {
    parseQuery(params, req);
    next();
  };
}

function quote(name: string): string {
  return name.length > MAX_QUOTED ? `${name.slice(0, MAX_QUOTED)}…` : name;
}

import type { RequestHandler } from 'express';
import { z } from 'zod';
import { NO_QUERY_PARAMS, parseQuery } from './query-params.js';

/**
 * GraphQL over HTTP GET carries its request in the query string (GraphQL over HTTP spec); Apollo reads
 * these four. Its CSRF check and its refusal of mutations over GET still apply after this.
 */
const GraphQLGetQuery = z.strictObject({
  query: z.string().optional(),
  variables: z.string().optional(),
  operationName: z.string().optional(),
  extensions: z.string().optional(),
});

/**
 * The query parameters `/graphql` takes over HTTP: the four above on GET (and HEAD), none on POST,
 * whose request is its body (Apollo would ignore them, silently). Anything else is 400 VALIDATION_FAILED.
 */
export const acceptGraphQLQuery: RequestHandler = (req, _res, next) => {
  parseQuery(req.method === 'GET' || req.method === 'HEAD' ? GraphQLGetQuery : NO_QUERY_PARAMS, req);
  next();
};

import type { RunningApp } from '../../src/app.js';
import { sendJson } from './app.js';

/** A GraphQL answer: its data and errors, each error with its message and `extensions`. */
export interface GraphQLAnswer<T = Record<string, unknown>> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> & { code?: string } }>;
}

/** POSTs one GraphQL operation to the app (as `token`, when given) and answers its JSON. */
export async function graphql<T = Record<string, unknown>>(
  app: Pick<RunningApp, 'url'>,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<GraphQLAnswer<T>> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const res = await sendJson(app, 'POST', '/graphql', { query, variables }, headers);
  return (await res.json()) as GraphQLAnswer<T>;
}

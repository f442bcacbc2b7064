import type * as http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { FlagService } from '../flags/flag-service.js';
import type { FlagSnapshot } from '../flags/flag-snapshot.js';
import { rejectInvalidUtf8 } from '../http/request-parsing.js';
import type { GraphQLContext } from './context.js';
import { formatError } from './errors.js';
import { buildSchema } from './schema.js';

/** Serves GraphQL at `/graphql` on the app's HTTP server; `stop()` drains it. */
export async function mountGraphQL(
  app: Express,
  server: http.Server,
  deps: { flags: FlagService; snapshot: FlagSnapshot; bodyLimitBytes: number; logger: Logger },
): Promise<{ stop(): Promise<void> }> {
  const apollo = new ApolloServer<GraphQLContext>({
    schema: buildSchema(),
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer: server })],
    formatError: formatError(deps.logger),
    includeStacktraceInErrorResponses: false,
    // The composition root owns shutdown (src/main.ts handles the signals).
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  const context: GraphQLContext = { flags: deps.flags, snapshot: deps.snapshot };
  app.use(
    '/graphql',
    express.json({ limit: deps.bodyLimitBytes, verify: rejectInvalidUtf8 }),
    expressMiddleware(apollo, { context: async () => context }),
  );
  return { stop: () => apollo.stop() };
}

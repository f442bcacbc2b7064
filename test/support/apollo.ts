import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';

/*
 * Apollo Client 4 for the cache test, from tools/apollo-client: its own package.json and lockfile, so
 * its ~35 MB stay out of the root install (whose node_modules must stay under 350 MB). Installed on
 * demand with `npm ci`; only a registry that cannot be reached makes the test skip, with the reason.
 *
 * Its types are not visible to the root type-check (the folder may not be installed when `npm run
 * check` runs), so the few calls the test makes are declared here, as Apollo Client 4 documents them.
 */

const FOLDER = join(import.meta.dirname, '../../tools/apollo-client');
const ENTRY = join(FOLDER, 'node_modules/@apollo/client/package.json');

export interface Subscribable<T> {
  subscribe(observer: { next(value: T): void; error(error: unknown): void }): { unsubscribe(): void };
}

export interface ApolloResult {
  data?: unknown;
  error?: unknown;
}

export interface ApolloClient {
  query(options: { query: unknown; variables?: object }): Promise<ApolloResult>;
  watchQuery(options: {
    query: unknown;
    variables?: object;
    fetchPolicy: 'cache-only';
  }): Subscribable<ApolloResult>;
  mutate(options: { mutation: unknown; variables?: object }): Promise<ApolloResult>;
  subscribe(options: { query: unknown; variables?: object }): Subscribable<ApolloResult>;
  stop(): void;
}

/** The parts of `@apollo/client` and `@apollo/client/link/subscriptions` the test uses. */
export interface Apollo {
  version: string;
  gql(source: string): unknown;
  ApolloClient: new (options: { link: unknown; cache: unknown }) => ApolloClient;
  InMemoryCache: new () => { extract(): Record<string, unknown> };
  HttpLink: new (options: { uri: string }) => unknown;
  ApolloLink: {
    split(test: (operation: { operationType: string }) => boolean, left: unknown, right: unknown): unknown;
  };
  GraphQLWsLink: new (client: unknown) => unknown;
}

/** Whether every package tools/apollo-client/package.json pins is installed at that version. */
function upToDate(): boolean {
  const pins = readJson(join(FOLDER, 'package.json')).devDependencies as Record<string, string>;
  return Object.entries(pins).every(([name, version]) => {
    const manifest = join(FOLDER, 'node_modules', name, 'package.json');
    return existsSync(manifest) && readJson(manifest).version === version;
  });
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

export type ApolloLoad = { ok: true; apollo: Apollo } | { ok: false; reason: string };

/** Apollo Client from tools/apollo-client, installing it first when needed. */
export async function loadApollo(): Promise<ApolloLoad> {
  if (!upToDate()) {
    try {
      await promisify(execFile)('npm', ['ci', '--prefix', FOLDER, '--no-audit', '--no-fund'], {
        timeout: 300_000,
      });
    } catch (error) {
      const output = String((error as { stderr?: unknown }).stderr ?? error);
      // Only an unreachable registry is a reason to skip; any other failure is the test's to report.
      if (/ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|ECONNRESET|network/i.test(output)) {
        return { ok: false, reason: `npm ci --prefix tools/apollo-client could not reach the registry` };
      }
      throw error;
    }
  }
  const require = createRequire(ENTRY);
  const core = require('@apollo/client') as Omit<Apollo, 'GraphQLWsLink'>;
  const { GraphQLWsLink } = require('@apollo/client/link/subscriptions') as Pick<Apollo, 'GraphQLWsLink'>;
  return { ok: true, apollo: { ...core, GraphQLWsLink } };
}

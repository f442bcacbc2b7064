// The demo: the seed's three access patterns side by side — a polling client (ETag, 200 vs 304), a
// real-time SSE client, a client filtered to `beta` — plus the GraphQL subscription mode, and a panel
// that evaluates a rollout locally for a thousand simulated users.
//   npm run demo                 against FLAGWIRE_URL (default http://localhost:3000), or an embedded
//                                service on that port when nothing answers there
//   npm run demo -- --drive      the demo changes flags itself every few seconds, and moves the rollout
//                                0 -> 10 -> 50 -> 100%, then adds a targeting rule
import { createFlagClient, type FlagClient } from '@flagwire/client';
import WebSocket from 'ws';
import { flagToggles, startDriver } from './driver.js';
import { ensureService } from './embedded.js';
import { parseDemoOptions } from './options.js';
import { createOutput } from './output.js';
import { ROLLOUT_FLAG } from './rollout/definition.js';
import { rolloutSteps } from './rollout/driver.js';
import { startRolloutPanel } from './rollout/panel.js';
import { watch } from './watch.js';

const options = parseDemoOptions(process.argv.slice(2), process.env);
const out = createOutput(options.color);
const service = await ensureService(options.url, out);

const common = {
  url: options.url,
  webSocketImpl: WebSocket,
  ...(options.token ? { token: options.token } : {}),
};
const clients: Array<{ label: string; client: FlagClient }> = [
  {
    label: 'POLL',
    client: createFlagClient({ ...common, mode: 'poll', pollIntervalMs: options.pollIntervalMs }),
  },
  { label: 'SSE', client: createFlagClient({ ...common, mode: 'sse' }) },
  { label: 'BETA-SSE', client: createFlagClient({ ...common, mode: 'sse', prefix: 'beta' }) },
  { label: 'GRAPHQL', client: createFlagClient({ ...common, mode: 'subscription' }) },
];
const watchers = clients.map(({ label, client }) => watch(label, client, out));
// The panel has a stream of its own, filtered to the one flag it evaluates.
const rolloutClient = createFlagClient({ ...common, mode: 'sse', prefix: ROLLOUT_FLAG });
const panel = startRolloutPanel(rolloutClient, out);

out.line('DEMO', `clients connecting to ${options.url}; change a flag and watch them react, e.g.:`);
out.line(
  'DEMO',
  `curl -X POST ${options.url}/feature-flags -H "Content-Type: application/json"${options.token ? ' -H "Authorization: Bearer $FLAGWIRE_TOKEN"' : ''} -d '{"key": "new-feature", "isEnabled": true, "description": "Test flag"}'`,
);
// The drive starts once the panel holds the rollout flag's current state, so the panel sees every step.
let driver: { stop(): void } | undefined;
if (options.drive) {
  rolloutClient.ready().then(
    () => {
      if (stopping) return;
      const moves = [
        flagToggles(clients[1]?.client as FlagClient, out),
        rolloutSteps({ url: options.url, token: options.token }, out),
      ];
      driver = startDriver(moves, options.driveEveryMs);
    },
    () => {}, // closed before it was ready: the demo is stopping
  );
}

let stopping = false;
async function stop(reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  out.line('DEMO', `${reason}: stopping`);
  driver?.stop();
  await Promise.all([...clients.map(({ client }) => client.close()), rolloutClient.close()]);
  for (const watcher of watchers) watcher.summary();
  panel.summary();
  await service.stop();
  process.exit(0);
}
process.on('SIGINT', () => void stop('Ctrl-C'));
process.on('SIGTERM', () => void stop('SIGTERM'));
if (options.durationSeconds > 0)
  setTimeout(() => void stop(`${options.durationSeconds} s elapsed`), options.durationSeconds * 1000);

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/** A Redis server for one test file. */
export interface TestRedis {
  url: string;
  /** True when REDIS_URL names a server this harness does not own (it cannot stop or restart it). */
  readonly external: boolean;
  /** A key prefix no other test, file or run uses (every key and channel of a test goes under it). */
  keyPrefix(): string;
  /** Stops the server and waits for it to exit; for REDIS_URL, deletes this run's keys instead. */
  stop(): Promise<void>;
  /** Kills the server (data lost, as after a crash) and starts a new one on the same port. */
  restart(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const BIND_ATTEMPTS = 5;

/**
 * The Redis named by REDIS_URL, or else a private redis-server on a free port. Never the shared one on
 * 6379: tests restart their server and must not disturb anybody else's data.
 */
export async function startRedis(): Promise<TestRedis> {
  const run = `flagwire-test:${process.pid}-${Date.now().toString(36)}`;
  let prefixes = 0;
  const keyPrefix = () => `${run}:${++prefixes}:`;

  const external = process.env.REDIS_URL?.trim();
  if (external) {
    await waitForPing(external);
    return {
      url: external,
      external: true,
      keyPrefix,
      stop: () => deleteKeys(external, `${run}:*`),
      restart: () => Promise.reject(new Error('restart() is not supported with REDIS_URL (not our server)')),
    };
  }

  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('Redis tests need redis-server on PATH (apt-get install redis-server) or REDIS_URL');
  }
  let server = await startOnFreePort();
  return {
    url: `redis://127.0.0.1:${server.port}`,
    external: false,
    keyPrefix,
    stop: () => stopChild(server.child, 'SIGTERM'),
    restart: async () => {
      await stopChild(server.child, 'SIGKILL');
      server = await startServer(server.port);
    },
  };
}

interface Server {
  port: number;
  child: ChildProcess;
}

// Another process may take the free port between our probe and redis binding it: try a new one.
async function startOnFreePort(): Promise<Server> {
  let lastError: unknown;
  for (let attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
    try {
      return await startServer(await freePort());
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function startServer(port: number): Promise<Server> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // Never leave the server behind, even if a suite forgets to stop it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));

  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-2000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // Set once the process is gone, so waiting for PING stops at once (e.g. "Address already in use").
  const state: { exitError?: Error } = {};
  child.once('error', (err) => {
    state.exitError = new Error(`redis-server could not be started: ${err.message}`);
  });
  child.once('exit', (code, signal) => {
    state.exitError = new Error(
      `redis-server on port ${port} exited (code ${code}, signal ${signal}): ${output}`,
    );
  });
  try {
    await waitForPing(`redis://127.0.0.1:${port}`, state);
  } catch (err) {
    await stopChild(child, 'SIGKILL');
    throw err;
  }
  return { port, child };
}

/** Polls with backoff until the server answers PING; gives up at once if the server process is gone. */
async function waitForPing(url: string, state: { exitError?: Error } = {}): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let delay = 10;
  let lastError = 'no attempt made';
  while (Date.now() < deadline) {
    if (state.exitError) throw state.exitError;
    const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    client.on('error', () => undefined); // the rejected connect() below reports it
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    } finally {
      // A failed attempt has ended already: disconnect() would only arm a 2 s timer on a dead socket.
      if (client.status !== 'end') client.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 200);
  }
  throw new Error(
    `Redis at ${url} did not answer PING within ${READY_TIMEOUT_MS} ms (last error: ${lastError})`,
  );
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  // SIGKILL only if it ignores SIGTERM; normally the exit event ends this first.
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

// Only keys under this run's prefix: the external server may hold anybody's data.
async function deleteKeys(url: string, pattern: string): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    for await (const keys of client.scanStream({ match: pattern, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await client.del(...keys);
    }
  } finally {
    client.disconnect();
  }
}

/**
 * Runs `attempt` until it stops throwing, for commands issued while a client reconnects after
 * {@link TestRedis.restart} (they fail fast until it has, there is no offline queue). Bounded.
 */
export async function whenBack<T>(attempt: () => Promise<T>, timeoutMs = READY_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import mongoose from 'mongoose';

/** A MongoDB-speaking server for one test file, with a database of its own. */
export interface TestMongo {
  uri: string;
  kind: 'mongodb' | 'jongodb-stand-in';
  stop(): Promise<void>;
  /**
   * Freezes the server (SIGSTOP) so it stops answering while keeping its data and connections, as a hung
   * or partitioned database would, and resolves once every one of its threads has stopped (a signal
   * reaches a busy process's threads a little later: a command sent before that would still run);
   * `resume()` thaws it. Only for the stand-in this harness started.
   */
  pause(): Promise<void>;
  resume(): void;
}

const STARTUP_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;
let databases = 0;

/** A database name no other suite, run or process uses. */
export function uniqueDatabaseName(): string {
  databases += 1;
  return `flagwire_test_${process.pid}_${Date.now().toString(36)}_${databases}`;
}

/**
 * The real MongoDB named by MONGODB_URI (with a fresh database for this call), or else the jongodb
 * stand-in started on a free port. Says on stderr which one it is: a pass on the stand-in only shows
 * compatibility with it.
 */
export async function startMongo(): Promise<TestMongo> {
  const external = process.env.MONGODB_URI?.trim();
  if (external) {
    const uri = withDatabase(external, uniqueDatabaseName());
    process.stderr.write(`mongo tests: running against MongoDB at ${redact(uri)}\n`);
    const notOurs = () => {
      throw new Error('pause()/resume() need the stand-in this harness starts; unset MONGODB_URI');
    };
    return {
      uri,
      kind: 'mongodb',
      stop: () => dropDatabase(uri),
      pause: async () => notOurs(),
      resume: notOurs,
    };
  }
  const { uri, child } = await spawnJongodb(jongodbBinary(), uniqueDatabaseName());
  process.stderr.write(`mongo tests: running against the jongodb stand-in (not real MongoDB) at ${uri}\n`);
  return {
    uri,
    kind: 'jongodb-stand-in',
    stop: async () => {
      child.kill('SIGCONT'); // a frozen process cannot act on SIGTERM
      await stopChild(child);
    },
    pause: async () => {
      child.kill('SIGSTOP');
      await untilStopped(child);
    },
    resume: () => child.kill('SIGCONT'),
  };
}

/** `uri` with its database (the path) replaced by `database`, keeping hosts, credentials and options. */
export function withDatabase(uri: string, database: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/([^?]*))?(?:\?(.*))?$/.exec(uri);
  const base = match?.[1];
  if (!base) throw new Error('MONGODB_URI must look like mongodb://host[:port][/db][?options]');
  const path = match[2] ?? '';
  const query = match[3] ?? '';
  const options = query === '' ? [] : [query];
  // Credentials authenticate against the path's database unless authSource says otherwise: keep that.
  if (base.includes('@') && !/(^|&)authSource=/.test(query)) {
    options.push(`authSource=${path === '' ? 'admin' : path}`);
  }
  return `${base}/${database}${options.length > 0 ? `?${options.join('&')}` : ''}`;
}

function redact(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//***@');
}

// Only the database this harness named is dropped, never anything already on the server.
async function dropDatabase(uri: string): Promise<void> {
  const connection = await mongoose
    .createConnection(uri, { autoCreate: false, autoIndex: false })
    .asPromise();
  try {
    await connection.dropDatabase();
  } finally {
    await connection.close();
  }
}

function jongodbBinary(): string {
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve(
      '@jongodb/memory-server-bin-linux-x64-gnu/package.json',
    );
  } catch {
    throw new Error(
      'No MongoDB for the tests: the jongodb stand-in (Linux x64 glibc only) is not installed here. ' +
        'Set MONGODB_URI=mongodb://host:port to run them against a real MongoDB.',
    );
  }
  const binary = join(dirname(packageJson), 'bin', 'jongodb');
  if (!existsSync(binary)) {
    throw new Error(`jongodb binary missing at ${binary}; set MONGODB_URI to use a real MongoDB instead`);
  }
  return binary;
}

function spawnJongodb(binary: string, database: string): Promise<{ uri: string; child: ChildProcess }> {
  const child = spawn(binary, ['--host=127.0.0.1', '--port=0', `--database=${database}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Never leave the server behind, even if a suite forgets to stop it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));

  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (problem: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`jongodb ${problem}${stderr ? `; its stderr: ${stderr.trim()}` : ''}`));
    };
    const timer = setTimeout(
      () => fail(`printed no JONGODB_URI= line within ${STARTUP_TIMEOUT_MS} ms (binary: ${binary})`),
      STARTUP_TIMEOUT_MS,
    );
    child.on('error', (err) => fail(`could not be started or signalled (${err.message})`));
    child.once('exit', (code, signal) => fail(`exited (code ${code}, signal ${signal}) before it was ready`));
    // Keeps draining stdout after the URI line, so the server never blocks on a full pipe.
    createInterface({ input: child.stdout }).on('line', (line) => {
      const uri = /^JONGODB_URI=(\S+)/.exec(line)?.[1];
      if (!uri || settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ uri, child });
    });
  });
}

/** Resolves once every thread of `child` shows the stopped state (`T`) in /proc (Linux, like the stand-in). */
async function untilStopped(child: ChildProcess): Promise<void> {
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  const tasks = `/proc/${child.pid}/task`;
  for (;;) {
    const states = await Promise.all(
      (await readdir(tasks)).map(async (task) => {
        // The state follows the command name, which is in parentheses and may contain spaces.
        const stat = await readFile(join(tasks, task, 'stat'), 'utf8').catch(() => ') T');
        return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      }),
    );
    if (states.every((state) => state === 'T' || state === 't')) return;
    if (Date.now() > deadline) throw new Error(`jongodb not stopped within ${STOP_TIMEOUT_MS} ms: ${states}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  // SIGKILL only if it ignores SIGTERM; normally the exit event ends this first.
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

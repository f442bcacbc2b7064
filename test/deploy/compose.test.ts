import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse as parseYaml } from 'yaml';
import { ConfigError, loadConfig } from '../../src/config.js';
import { client, startTestApp } from '../support/app.js';

// docker-compose.yml, the Dockerfile and deploy/nginx.conf checked against the service itself: no Docker
// engine is needed, so this runs with the rest of the suite.

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

interface ComposeService {
  image?: string;
  build?: { context?: string; target?: string };
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  expose?: Array<string | number>;
  ports?: Array<string | { target: number; published?: string | number }>;
  volumes?: Array<string | { source?: string; target: string }>;
  deploy?: { replicas?: number };
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] | string };
  container_name?: string;
}

const compose = parseYaml(read('docker-compose.yml')) as { services: Record<string, ComposeService> };

function service(name: string): ComposeService {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

/** Compose's `${NAME:-default}` interpolation, as a fresh shell with none of the NAMEs set sees it. */
function interpolate(value: string): string {
  return value.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, (_match, fallback: string) => fallback);
}

function environment(svc: ComposeService): Record<string, string> {
  const env = svc.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => [entry.split('=')[0], interpolate(entry.slice(entry.indexOf('=') + 1))]),
    );
  }
  return Object.fromEntries(
    Object.entries(env).map(([name, value]) => [name, interpolate(String(value ?? ''))]),
  );
}

function dependsOn(svc: ComposeService): Record<string, string> {
  const deps = svc.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, 'service_started']));
  return Object.fromEntries(
    Object.entries(deps).map(([name, d]) => [name, d.condition ?? 'service_started']),
  );
}

/** `ports:` short ("3000:3000", "127.0.0.1:3000:3000/tcp") and long syntax, as numbers. */
function publishedPorts(svc: ComposeService): Array<{ published: number; target: number }> {
  return (svc.ports ?? []).map((port) => {
    if (typeof port !== 'string') return { published: Number(port.published), target: port.target };
    const parts = port.replace(/\/\w+$/, '').split(':');
    return { published: Number(parts.at(-2)), target: Number(parts.at(-1)) };
  });
}

/** The argv of a compose healthcheck (`["CMD", ...argv]`). */
function healthcheckArgv(svc: ComposeService): string[] {
  const test = svc.healthcheck?.test;
  if (!Array.isArray(test) || test[0] !== 'CMD') throw new Error('expected an exec-form healthcheck');
  return test.slice(1);
}

/** The path of the URL a healthcheck script fetches: its string literal that starts with '/'. */
const probedPath = (argv: string[]) => /'(\/[\w/-]*)'/.exec(argv.join(' '))?.[1];

// --- Dockerfile -------------------------------------------------------------------------------------

interface Instruction {
  stage: string;
  keyword: string;
  args: string;
}

/** Instructions with continuations joined and comments dropped, each tagged with its stage's name. */
function parseDockerfile(text: string): Instruction[] {
  const lines = text.split('\n').filter((line) => !line.trim().startsWith('#'));
  const joined = lines.join('\n').replace(/\\\n/g, ' ');
  let stage = '';
  const instructions: Instruction[] = [];
  for (const line of joined.split('\n')) {
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!match?.[1] || match[2] === undefined) continue;
    const keyword = match[1].toUpperCase();
    const args = match[2].trim();
    if (keyword === 'FROM') stage = /\s+AS\s+(\S+)$/i.exec(args)?.[1] ?? `#${instructions.length}`;
    instructions.push({ stage, keyword, args });
  }
  return instructions;
}

const dockerfile = parseDockerfile(read('Dockerfile'));
const stages = dockerfile.filter((i) => i.keyword === 'FROM').map((i) => i.stage);
// `docker build` without --target builds the last stage: that is the image that runs.
const finalStage = stages.at(-1);
const inStage = (stage: string | undefined, keyword: string) =>
  dockerfile.filter((i) => i.stage === stage && i.keyword === keyword);

function imageEnv(stage: string | undefined): Record<string, string> {
  return Object.fromEntries(
    inStage(stage, 'ENV').flatMap((i) =>
      i.args.split(/\s+/).map((pair) => {
        if (!pair.includes('=')) throw new Error(`ENV ${i.args}: use the NAME=value form`);
        return [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      }),
    ),
  );
}

const execForm = (args: string) => JSON.parse(args.slice(args.indexOf('['))) as string[];

// --- nginx.conf ---------------------------------------------------------------------------------------

interface Directive {
  name: string;
  args: string[];
  block?: Directive[];
}

/** nginx's syntax: words and quoted strings, `;` ends a directive, `{ }` a block, `#` a comment. */
function parseNginx(text: string): Directive[] {
  const tokens = [...text.matchAll(/#[^\n]*|'([^']*)'|"([^"]*)"|([{};])|([^\s{};'"#]+)/g)].flatMap((m) =>
    m[0].startsWith('#') ? [] : [{ word: m[1] ?? m[2] ?? m[4], punct: m[3] }],
  );
  let at = 0;
  const block = (): Directive[] => {
    const directives: Directive[] = [];
    let words: string[] = [];
    while (at < tokens.length) {
      const token = tokens[at++];
      if (token?.word !== undefined) words.push(token.word);
      else if (token?.punct === '}') return directives;
      else {
        const [name = '', ...args] = words;
        directives.push(token?.punct === '{' ? { name, args, block: block() } : { name, args });
        words = [];
      }
    }
    return directives;
  };
  return block();
}

const all = (block: Directive[] | undefined, name: string) => (block ?? []).filter((d) => d.name === name);
const one = (block: Directive[] | undefined, name: string) => all(block, name)[0];
const nginx = parseNginx(read('deploy/nginx.conf'));
const http = one(nginx, 'http')?.block;
const server = one(http, 'server')?.block;
const lbListen = Number(one(server, 'listen')?.args[0]);
const location = (path: string) =>
  all(server, 'location').find((l) => l.args.join(' ') === `= ${path}`)?.block;
const header = (block: Directive[] | undefined, name: string) =>
  all(block, 'proxy_set_header').find((d) => d.args[0]?.toLowerCase() === name.toLowerCase())?.args[1];

/** nginx time ("1h", "90s", "1h30m", "500ms"; no unit is seconds) in milliseconds. */
function nginxMillis(value: string | undefined): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  return [...(value ?? '').matchAll(/(\d+)(ms|s|m|h|d)?/g)].reduce(
    (sum, [, n, unit]) => sum + Number(n) * (units[unit ?? 's'] ?? Number.NaN),
    0,
  );
}

// --- the checks -----------------------------------------------------------------------------------------

/**
 * Whether loadConfig reads `name`: setting it either changes the configuration or is refused with a
 * ConfigError naming it. A variable it does not know is ignored, so neither happens.
 */
function isReadByLoadConfig(name: string): boolean {
  try {
    return !isDeepStrictEqual(loadConfig({ [name]: 'a-value-no-setting-has-by-default' }), loadConfig({}));
  } catch (err) {
    return err instanceof ConfigError && err.message.includes(`${name}=`);
  }
}

const flagwire = service('flagwire');
const flagwireEnv = environment(flagwire);
/** Called inside tests, so that an invalid environment fails them with the ConfigError's message. */
const flagwireConfig = () => loadConfig(flagwireEnv);

describe('the flagwire service (docker-compose.yml)', () => {
  it('sets only environment variables that the service reads', () => {
    expect(isReadByLoadConfig('NOT_A_FLAGWIRE_SETTING')).toBe(false);
    expect(['HOST', 'DATA_DIR', 'PORT'].filter(isReadByLoadConfig)).toEqual(['HOST', 'DATA_DIR', 'PORT']);
    expect(Object.keys(flagwireEnv).filter((name) => !isReadByLoadConfig(name))).toEqual([]);
  });

  it('is configured validly, listening on every interface, with MongoDB and Redis', () => {
    const config = flagwireConfig();
    expect(config.host).toBe('0.0.0.0');
    expect(config.mongodbUri).toBeDefined();
    expect(config.redisUrl).toBeDefined();
  });

  it('stores flags in the mongo service and shares changes through the redis service, once they are healthy', () => {
    const config = flagwireConfig();
    const mongo = new URL(config.mongodbUri ?? '');
    const redis = new URL(config.redisUrl ?? '');
    expect(service(mongo.hostname).image).toMatch(/^mongo:/);
    expect(mongo.port).toBe('27017');
    expect(service(redis.hostname).image).toMatch(/^redis:/);
    expect(redis.port).toBe('6379');
    expect(dependsOn(flagwire)).toMatchObject({
      [mongo.hostname]: 'service_healthy',
      [redis.hostname]: 'service_healthy',
    });
  });

  it('exposes the port it tells the service to listen on, which is the port the image EXPOSEs', () => {
    const { port } = flagwireConfig();
    expect((flagwire.expose ?? []).map(Number)).toContain(port);
    expect(inStage(finalStage, 'EXPOSE').map((i) => Number(i.args))).toContain(port);
  });

  it('runs several replicas, which only the load balancer publishes', () => {
    expect(flagwire.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(flagwire.ports).toBeUndefined();
    expect(flagwire.container_name).toBeUndefined();
  });

  it('runs the production stage of the Dockerfile', () => {
    expect(flagwire.build?.target).toBe(finalStage);
  });
});

describe('the healthchecks', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
    await app.removeDataDir();
  });

  const imageHealthcheck = execForm(inStage(finalStage, 'HEALTHCHECK')[0]?.args ?? '[]');
  const composeHealthcheck = healthcheckArgv(flagwire);

  /** Runs a healthcheck command as Docker would, with the container's PORT; resolves to its exit code. */
  function runHealthcheck(argv: string[], port: string): Promise<number | null> {
    const [command = '', ...args] = argv;
    const { NODE_OPTIONS: _, ...env } = process.env;
    const child = spawn(command === 'node' ? process.execPath : command, args, {
      env: { ...env, PORT: port },
      stdio: 'ignore',
    });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => resolve(code));
    });
  }

  async function unusedPort(): Promise<string> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    return String(port);
  }

  it('compose waits for /readyz, which the app answers 200 once its store answers', async () => {
    expect(probedPath(composeHealthcheck)).toBe('/readyz');
    const res = await client(app)('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ready' });
  });

  it('the image checks /healthz, which the app answers 200 while the process runs', async () => {
    expect(probedPath(imageHealthcheck)).toBe('/healthz');
    const res = await client(app)('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('both commands succeed against the running app and fail when nothing answers', async () => {
    const port = new URL(app.url).port;
    const nobody = await unusedPort();
    expect(await runHealthcheck(composeHealthcheck, port)).toBe(0);
    expect(await runHealthcheck(imageHealthcheck, port)).toBe(0);
    expect(await runHealthcheck(composeHealthcheck, nobody)).not.toBe(0);
    expect(await runHealthcheck(imageHealthcheck, nobody)).not.toBe(0);
  });
});

describe('the image (Dockerfile)', () => {
  it('is configured validly to listen on every interface at the port it EXPOSEs, in production mode', () => {
    const env = imageEnv(finalStage);
    expect(env).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0' });
    expect(Object.keys(env).filter((name) => name !== 'NODE_ENV' && !isReadByLoadConfig(name))).toEqual([]);
    // Production refuses to run open: a deployment must bring its own tokens.
    expect(() => loadConfig(env)).toThrow(/no ADMIN_TOKENS, CLIENT_TOKENS or FRONTEND_TOKENS/);
    const config = loadConfig({ ...env, ADMIN_TOKENS: 'deployment-admin-token' });
    expect(inStage(finalStage, 'EXPOSE').map((i) => Number(i.args))).toEqual([config.port]);
  });

  it('starts the entry point that npm run build emits, next to the schema it reads', () => {
    const build = JSON.parse(read('tsconfig.build.json')) as {
      compilerOptions: { outDir: string; rootDir: string };
    };
    const { outDir, rootDir } = build.compilerOptions;
    expect(existsSync(new URL(`${rootDir}/main.ts`, root))).toBe(true);
    expect(execForm(inStage(finalStage, 'CMD')[0]?.args ?? '[]')).toEqual(['node', `${outDir}/main.js`]);
    const buildStage = stages.find((stage) =>
      inStage(stage, 'RUN').some((i) => /npm run build\b/.test(i.args)),
    );
    expect(inStage(finalStage, 'COPY').map((i) => i.args)).toEqual(
      expect.arrayContaining([`--from=${buildStage} /app/${outDir} ./${outDir}`, 'schema ./schema']),
    );
  });

  it('installs every workspace in both stages, and ships the built workspace packages the service imports', () => {
    // npm ci silently skips a workspace whose package.json is absent: the image would then lack it.
    const { workspaces } = JSON.parse(read('package.json')) as { workspaces: string[] };
    for (const stage of [stages[0], finalStage]) {
      const copies = inStage(stage, 'COPY').map((i) => i.args);
      for (const workspace of workspaces) expect(copies).toContain(`${workspace}/package.json ${workspace}/`);
    }
    // The build compiles src/ against packages/core's declarations (tsconfig.build.json) and node
    // resolves @flagwire/core to packages/core/dist at run time.
    expect(inStage(finalStage, 'COPY').map((i) => i.args)).toContain(
      `--from=${stages[0]} /app/packages/core/dist ./packages/core/dist`,
    );
  });

  it('runs as the unprivileged node user and stops on SIGTERM', () => {
    expect(inStage(finalStage, 'USER').map((i) => i.args)).toEqual(['node']);
    expect(inStage(finalStage, 'STOPSIGNAL').map((i) => i.args)).toEqual(['SIGTERM']);
  });

  it('is built from sources only, never from the host node_modules or dist', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim());
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', 'dist']));
  });
});

describe('the load balancer (lb, deploy/nginx.conf)', () => {
  const lb = service('lb');

  it('runs nginx with deploy/nginx.conf as its configuration', () => {
    expect(lb.image).toMatch(/^nginx:/);
    expect(lb.volumes).toContain('./deploy/nginx.conf:/etc/nginx/nginx.conf:ro');
  });

  it('publishes port 3000 on the host, where nginx listens in the container', () => {
    expect(publishedPorts(lb)).toEqual([{ published: 3000, target: lbListen }]);
  });

  it('sends every request to the flagwire service at its PORT, re-resolving it so every replica is used', () => {
    const upstreams = all(http, 'upstream');
    expect(upstreams).toHaveLength(1);
    const upstream = upstreams[0];
    expect(all(upstream?.block, 'server').map((d) => d.args)).toEqual([
      [`flagwire:${flagwireConfig().port}`, 'resolve'],
    ]);
    expect(one(upstream?.block, 'resolver')?.args[0]).toBe('127.0.0.11');
    for (const loc of all(server, 'location')) {
      expect(one(loc.block, 'proxy_pass')?.args).toEqual([`http://${upstream?.args[0]}`]);
    }
  });

  it('streams /feature-flags/stream unbuffered and keeps it open long past the SSE heartbeat', () => {
    const stream = location('/feature-flags/stream');
    expect(one(stream, 'proxy_buffering')?.args).toEqual(['off']);
    expect(one(stream, 'proxy_cache')?.args).toEqual(['off']);
    expect(one(stream, 'proxy_http_version')?.args).toEqual(['1.1']);
    expect(header(stream, 'Connection')).toBe('');
    expect(nginxMillis(one(stream, 'proxy_read_timeout')?.args[0])).toBeGreaterThanOrEqual(
      4 * flagwireConfig().sseHeartbeatMs,
    );
  });

  it('passes WebSocket upgrades on /graphql through to the service', () => {
    const graphql = location('/graphql');
    expect(one(graphql, 'proxy_http_version')?.args).toEqual(['1.1']);
    expect(header(graphql, 'Upgrade')).toBe('$http_upgrade');
    const connection = header(graphql, 'Connection') ?? '';
    const map = all(http, 'map').find((m) => m.args[0] === '$http_upgrade' && m.args[1] === connection);
    expect(one(map?.block, 'default')?.args).toEqual(['upgrade']);
  });

  it('lets the service answer oversized bodies itself', () => {
    const limit = /^(\d+)([km]?)$/i.exec(one(http, 'client_max_body_size')?.args[0] ?? '');
    const factor: Record<string, number> = { '': 1, k: 1024, m: 1024 * 1024 };
    expect(Number(limit?.[1]) * (factor[(limit?.[2] ?? '').toLowerCase()] ?? 0)).toBeGreaterThanOrEqual(
      flagwireConfig().bodyLimitBytes,
    );
  });
});

describe('the demo', () => {
  const demo = service('demo');

  it('reaches the service through the load balancer, once that answers', () => {
    const url = new URL(environment(demo).FLAGWIRE_URL ?? '');
    expect(url.hostname).toBe('lb');
    expect(Number(url.port)).toBe(lbListen);
    expect(dependsOn(demo)).toMatchObject({ lb: 'service_healthy' });
  });

  it('runs npm run demo from the build stage, which has the dev tools', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.demo).toBeDefined();
    expect(demo.command).toEqual(['npm', 'run', 'demo']);
    const target = demo.build?.target;
    expect(stages).toContain(target);
    const installs = inStage(target, 'RUN').filter((i) => /\bnpm ci\b/.test(i.args));
    expect(installs.length).toBeGreaterThan(0);
    expect(installs.filter((i) => i.args.includes('--omit'))).toEqual([]);
  });
});

describe('start-up order', () => {
  it('waits only on healthchecks that exist', () => {
    const waitsOn = Object.values(compose.services).flatMap((svc) =>
      Object.entries(dependsOn(svc)).flatMap(([name, condition]) =>
        condition === 'service_healthy' ? [name] : [],
      ),
    );
    expect(waitsOn.length).toBeGreaterThan(0);
    expect(waitsOn.filter((name) => service(name).healthcheck?.test === undefined)).toEqual([]);
  });
});

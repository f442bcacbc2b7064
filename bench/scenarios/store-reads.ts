// store-reads: the app in this process, on the real embedded file store wrapped to count every call;
// autocannon from its own process sends the warm polls (alternately conditional and not).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { FileFlagStore } from '../../src/flags/store/file-store.js';
import type { FlagStore } from '../../src/flags/store/flag-store.js';
import { runLoad } from '../support/child.js';
import { log } from '../support/log.js';
import type { BenchOptions } from '../support/options.js';
import { ownCpuSince } from '../support/proc.js';
import { fmt, type ScenarioResult } from '../support/results.js';
import { PREFIX, seedFlags } from '../support/seed.js';
import { BENCH_ENV } from '../support/service-process.js';

type Method = 'list' | 'get' | 'currentRevision' | 'ping' | 'insert' | 'update' | 'remove';
const READS: readonly Method[] = ['list', 'get', 'currentRevision'];

/** A FlagStore that counts every call before passing it on to the real one. */
class CountingStore implements FlagStore {
  readonly calls: Record<Method, number> = {
    list: 0,
    get: 0,
    currentRevision: 0,
    ping: 0,
    insert: 0,
    update: 0,
    remove: 0,
  };

  constructor(private readonly inner: FlagStore) {}

  get reads(): number {
    return READS.reduce((sum, method) => sum + this.calls[method], 0);
  }

  reset(): void {
    for (const method of Object.keys(this.calls) as Method[]) this.calls[method] = 0;
  }

  list(prefix: string) {
    this.calls.list++;
    return this.inner.list(prefix);
  }
  identity() {
    return this.inner.identity();
  }
  get(key: string) {
    this.calls.get++;
    return this.inner.get(key);
  }
  insert(...args: Parameters<FlagStore['insert']>) {
    this.calls.insert++;
    return this.inner.insert(...args);
  }
  update(...args: Parameters<FlagStore['update']>) {
    this.calls.update++;
    return this.inner.update(...args);
  }
  remove(...args: Parameters<FlagStore['remove']>) {
    this.calls.remove++;
    return this.inner.remove(...args);
  }
  currentRevision() {
    this.calls.currentRevision++;
    return this.inner.currentRevision();
  }
  get audit() {
    return this.inner.audit;
  }
  purgeAudit(...args: Parameters<FlagStore['purgeAudit']>) {
    return this.inner.purgeAudit(...args);
  }
  ping() {
    this.calls.ping++;
    return this.inner.ping();
  }
  close() {
    return this.inner.close();
  }
}

export async function runStoreReads(options: BenchOptions): Promise<ScenarioResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'flagwire-bench-reads-'));
  const store = new CountingStore(await FileFlagStore.open(dataDir));
  // RESYNC_CHECK_MS=0: with a store override the app would otherwise ask the store for its revision
  // every 5 s, as it does for a shared MongoDB; the embedded store runs without that check in production.
  const config = loadConfig({
    ...BENCH_ENV,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    RESYNC_CHECK_MS: '0',
  });
  const app = await createApp(config, { store }).start();
  try {
    log(`store-reads: seeding ${options.flags} flags`);
    await seedFlags(app.url, options.flags);
    const path = `/feature-flags?prefix=${PREFIX}`;
    // Warm: the first poll builds the memo entry.
    const first = await fetch(`${app.url}${path}`);
    await first.arrayBuffer();
    const etag = first.headers.get('etag') ?? '';
    const afterSeeding = { ...store.calls };
    store.reset();

    log(`store-reads: ${options.polls} warm polls`);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const load = await runLoad({
      url: app.url,
      connections: 10,
      amount: options.polls,
      requests: [
        { method: 'GET', path, headers: { 'If-None-Match': etag } },
        { method: 'GET', path },
      ],
    });
    const serverCpu = ownCpuSince(cpu0, t0);
    const reads = store.reads;
    const polls = Object.values(load.statusCodes).reduce((s, n) => s + n, 0);
    return {
      id: 'store-reads',
      measure: `store reads (list/get/currentRevision) during ${fmt.int(options.polls)} warm polls`,
      result: `${reads} reads in ${fmt.int(polls)} polls (${load.statusCodes['304'] ?? 0} x 304, ${load.statusCodes['200'] ?? 0} x 200)`,
      baseline: '—',
      target: '0',
      status: reads === 0 && polls >= options.polls ? 'met' : 'missed',
      cpu: `server ${fmt.cores(serverCpu)} (in-process app) / loadgen ${fmt.cores(load.cpu)}`,
      details: {
        calls: { ...store.calls },
        callsWhileSeeding: afterSeeding,
        statusCodes: load.statusCodes,
        errors: load.errors,
        store: 'embedded file store (FileFlagStore) wrapped by a counting FlagStore',
        resyncCheckMs: 0,
        load,
      },
    };
  } finally {
    await app.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuditEntryView } from '../../src/audit/audit-view.js';
import { MemoryFlagStore } from '../../src/flags/store/memory-store.js';
import { client, sendJson, startTestApp } from '../support/app.js';
import { asCreate } from '../support/audit.js';
import { legacyBody } from '../support/flags.js';
import { EVERY_STORE } from '../support/store-kinds.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
interface Page {
  entries: AuditEntryView[];
  nextCursor: string | null;
  truncated: boolean;
}

const UNLIMITED_WRITES = { WRITE_RATE_BURST: '100000', WRITE_RATE_PER_MINUTE: '1000000' };

async function pageOf(app: TestApp, path: string): Promise<Page> {
  const res = await client(app)(path);
  expect(res.status).toBe(200);
  return (await res.json()) as Page;
}

/** Retries `check` until it holds (bounded): retention runs in the background, with no event to wait on. */
async function eventually<T>(read: () => Promise<T>, holds: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (holds(value)) return value;
    if (Date.now() > deadline) throw new Error(`not within 10 s: ${what} (last: ${JSON.stringify(value)})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(EVERY_STORE())('audit retention over $name', (kind) => {
  let app: TestApp;
  beforeAll(async () => {
    const { env, overrides } = await kind.setup();
    app = await startTestApp({ ...env, ...UNLIMITED_WRITES, AUDIT_RETENTION_COUNT: '5' }, overrides);
  });
  afterAll(async () => {
    await app?.stop();
    await app?.removeDataDir();
    await kind.stop();
  });

  it('keeps the newest AUDIT_RETENTION_COUNT entries after writes, and a cursor into the purged range ends cleanly', async () => {
    for (let i = 0; i < 5; i++)
      expect((await sendJson(app, 'POST', '/feature-flags', { key: `r${i}` })).status).toBe(201);
    const first = await pageOf(app, '/audit?limit=2');
    expect(first.entries).toHaveLength(2);
    for (let i = 5; i < 12; i++)
      expect((await sendJson(app, 'POST', '/feature-flags', { key: `r${i}` })).status).toBe(201);

    const kept = await eventually(
      () => pageOf(app, '/audit?limit=50'),
      (page) => page.entries.length === 5,
      'retention to purge down to 5 entries',
    );
    expect(kept.entries.map((entry) => entry.key)).toEqual(['r11', 'r10', 'r9', 'r8', 'r7']);
    expect(kept.truncated).toBe(true);
    // The cursor of the first page now points below the horizon: an empty page that says so.
    expect(await pageOf(app, `/audit?limit=2&cursor=${first.nextCursor}`)).toEqual({
      entries: [],
      nextCursor: null,
      truncated: true,
    });
    const lines = (await (await client(app)('/audit?format=ndjson')).text()).trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    expect(JSON.parse(lines.at(-1) as string)).toEqual({ truncated: true });
  });
});

describe('audit pages and exports at scale', () => {
  let app: TestApp;
  let store: MemoryFlagStore;
  beforeAll(async () => {
    store = new MemoryFlagStore();
    for (let i = 0; i < 1234; i++)
      await store.insert(`s${String(i).padStart(4, '0')}`, legacyBody('s'), asCreate);
    app = await startTestApp(UNLIMITED_WRITES, { store });
  });
  afterAll(async () => {
    await app?.stop();
    await app?.removeDataDir();
  });

  it('pages stay exact while writes go on: no entry repeated or skipped, new ones only on top', async () => {
    const top = (await pageOf(app, '/audit?limit=1')).entries[0]?.revision as number;
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) await sendJson(app, 'POST', '/feature-flags', { key: `w${i}` });
    })();
    const seen: number[] = [];
    let cursor: string | null = null;
    let firstTop = 0;
    do {
      const page: Page = await pageOf(app, `/audit?limit=97${cursor ? `&cursor=${cursor}` : ''}`);
      firstTop ||= page.entries[0]?.revision ?? 0;
      seen.push(...page.entries.map((entry) => entry.revision));
      cursor = page.nextCursor;
    } while (cursor);
    writing = false;
    await writer;
    expect(firstTop).toBeGreaterThanOrEqual(top);
    expect(seen).toEqual(Array.from({ length: firstTop }, (_, i) => firstTop - i));
  });

  it('exports more than a page as NDJSON, every entry once, newest first', async () => {
    const res = await client(app)('/audit?format=ndjson&flag=s0000');
    expect((await res.text()).trimEnd().split('\n')).toHaveLength(1);
    const all = await client(app)('/audit?format=ndjson&action=create');
    const revisions = (await all.text())
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as AuditEntryView).revision);
    expect(revisions.length).toBeGreaterThanOrEqual(1234);
    expect(revisions).toEqual([...revisions].sort((a, b) => b - a));
    expect(new Set(revisions).size).toBe(revisions.length);
  });
});

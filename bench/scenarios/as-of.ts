// as-of: the latency of reading the state as it was 10,000 changes back (time travel): the REST flag
// list, one OFREP evaluation and one OFREP bulk evaluation of every flag with `?asOf=<revision>`, cold (a
// revision not read before: the state is rebuilt from the audit history) and warm (the same revision
// again: the kept state), one request at a time from this process against the service in its own
// process (embedded file store, production mode).

import { log } from '../support/log.js';
import type { BenchOptions } from '../support/options.js';
import { fmt, type ScenarioResult } from '../support/results.js';
import { seededKey, seedFlags } from '../support/seed.js';
import { startServiceProcess } from '../support/service-process.js';
import { round, summarize } from '../support/stats.js';
import { ADMIN_TOKEN, AUTH, PRODUCTION_ENV } from './throughput.js';

/** How far back the measured reads go: the figure the issue asks for. */
const CHANGES_BACK = 10_000;
const QUICK_CHANGES_BACK = 1_000;
/** Cold reads per series (each a revision never read before); warm reads per series. */
const COLD = 15;
const WARM = 200;
/** Series of cold reads (list, OFREP, OFREP bulk) and the step back: each reads COLD revisions of its own. */
const SPANS = 4;
const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };
const CONTEXT = JSON.stringify({ context: { targetingKey: 'user-42', plan: 'pro' } });

/** `count` toggles spread over the first `flags` seeded flags, a few at a time (the store serialises). */
async function makeChanges(url: string, flags: number, count: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const res = await fetch(`${url}/feature-flags/${seededKey(i % flags)}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', ...ADMIN },
        body: JSON.stringify({ isEnabled: i % 2 === 0 }),
      });
      if (!res.ok) throw new Error(`PATCH answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** One request's latency in ms (whole body read); throws unless it is answered 200 for `revision`. */
async function timed(url: string, init: RequestInit, revision: number): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, init);
  await res.arrayBuffer();
  const ms = performance.now() - t0;
  const answered = res.headers.get('flagwire-as-of-revision');
  if (res.status !== 200 || answered !== String(revision))
    throw new Error(`as-of: ${url} answered ${res.status} for revision ${answered}, not ${revision}`);
  return ms;
}

export async function runAsOf(options: BenchOptions): Promise<ScenarioResult> {
  const back = options.quick ? QUICK_CHANGES_BACK : CHANGES_BACK;
  const service = await startServiceProcess(
    // Retention must keep the whole history measured (the default keeps 10,000 entries).
    { ...PRODUCTION_ENV, AUDIT_RETENTION_COUNT: '1000000' },
    { nodeArgs: options.serverNodeArgs },
  );
  try {
    log(`as-of: seeding ${options.flags} flags, then ${fmt.int(back + COLD * SPANS)} changes`);
    await seedFlags(service.url, options.flags, ADMIN_TOKEN);
    // The revisions read: `back` changes (and up to SPANS x COLD more) before the end.
    const first = await currentRevision(service.url);
    await makeChanges(service.url, options.flags, back + COLD * SPANS);
    const last = await currentRevision(service.url);
    if (last - first !== back + COLD * SPANS) throw new Error(`as-of: ${last - first} changes made`);
    const list = (revision: number) =>
      [`${service.url}/feature-flags?asOf=${revision}`, { headers: AUTH } as RequestInit] as const;
    const ofrep = (revision: number) =>
      [
        `${service.url}/ofrep/v1/evaluate/flags/${seededKey(1)}?asOf=${revision}`,
        {
          method: 'POST',
          headers: { ...AUTH, 'content-type': 'application/json' },
          body: CONTEXT,
        } as RequestInit,
      ] as const;
    // Every flag of the token's environment for the one context (what a web provider asks at start).
    const bulk = (revision: number) =>
      [
        `${service.url}/ofrep/v1/evaluate/flags?asOf=${revision}`,
        {
          method: 'POST',
          headers: { ...AUTH, 'content-type': 'application/json' },
          body: CONTEXT,
        } as RequestInit,
      ] as const;
    // Cold: each read names a revision no read named before, at least `back` changes back, and above
    // every state kept so far (ascending), so each is rebuilt from the live view, all `back`+ changes.
    // The kept states are one set for the instance, whichever endpoint read them: each series has
    // revisions of its own.
    const target = last - back;
    const coldList: number[] = [];
    const coldOfrep: number[] = [];
    const coldBulk: number[] = [];
    for (let i = 0; i < COLD; i++) {
      const a = target - 3 * COLD + 1 + i;
      coldList.push(await timed(...list(a), a));
    }
    for (let i = 0; i < COLD; i++) {
      const b = target - 2 * COLD + 1 + i;
      coldOfrep.push(await timed(...ofrep(b), b));
    }
    // Stepping back one change at a time below a kept state (scrubbing through time in a console).
    // Before the bulk series: the kept states are then the list's last and OFREP's, so the first step
    // undoes COLD + 1 changes, as it did before the bulk series was measured.
    const stepList: number[] = [];
    for (let i = 1; i <= COLD; i++)
      stepList.push(await timed(...list(target - 3 * COLD - i), target - 3 * COLD - i));
    // Still above every kept state: the step back kept only states below the list's.
    for (let i = 0; i < COLD; i++) {
      const c = target - COLD + 1 + i;
      coldBulk.push(await timed(...bulk(c), c));
    }
    // Warm: the same revision again and again (the playground's case).
    const warmList: number[] = [];
    const warmOfrep: number[] = [];
    const warmBulk: number[] = [];
    for (let i = 0; i < WARM; i++) {
      warmList.push(await timed(...list(target), target));
      warmOfrep.push(await timed(...ofrep(target), target));
      warmBulk.push(await timed(...bulk(target), target));
    }
    // A bulk answer that left flags out would be cheaper: every flag must be in it.
    const evaluated = await bulkFlagCount(...bulk(target));
    if (evaluated !== options.flags)
      throw new Error(`as-of: bulk evaluated ${evaluated} flags, not ${options.flags}`);
    const series = {
      listCold: summarize(coldList),
      listWarm: summarize(warmList),
      listStepBack: summarize(stepList),
      ofrepCold: summarize(coldOfrep),
      ofrepWarm: summarize(warmOfrep),
      ofrepBulkCold: summarize(coldBulk),
      ofrepBulkWarm: summarize(warmBulk),
    };
    const show = (s: ReturnType<typeof summarize>) => `p50 ${fmt.ms(s.p50)} / p99 ${fmt.ms(s.p99)}`;
    return {
      id: 'as-of',
      measure: `latency of an asOf ${fmt.int(back)} changes back (${fmt.int(options.flags)} flags, file store): REST list, one OFREP evaluation and one OFREP bulk evaluation of every flag, cold (state rebuilt) / warm (kept)`,
      result: `list cold ${show(series.listCold)}, warm ${show(series.listWarm)}, one change below a kept state ${show(series.listStepBack)}; OFREP cold ${show(series.ofrepCold)}, warm ${show(series.ofrepWarm)}; OFREP bulk cold ${show(series.ofrepBulkCold)}, warm ${show(series.ofrepBulkWarm)}`,
      baseline: '—',
      target: 'report',
      status: 'reported',
      cpu: '—',
      latency: { ...series.listCold },
      details: {
        changesBack: back,
        flags: options.flags,
        bulkFlagsEvaluated: evaluated,
        revisions: { first, last, target },
        coldReads: COLD,
        warmReads: WARM,
        ms: Object.fromEntries(
          Object.entries(series).map(([name, s]) => [
            name,
            { p50: round(s.p50), p99: round(s.p99), max: round(s.max), mean: round(s.mean), n: s.n },
          ]),
        ),
        store:
          'embedded file store (AUDIT_RETENTION_COUNT=1000000, AS_OF_MAX_CHANGES and AS_OF_MEMO_STATES default)',
      },
    };
  } finally {
    await service.stop();
  }
}

/** How many flags one bulk evaluation answered (a 200 for the revision asked). */
async function bulkFlagCount(url: string, init: RequestInit): Promise<number> {
  const res = await fetch(url, init);
  const body = (await res.json()) as { flags?: unknown[] };
  if (res.status !== 200 || !Array.isArray(body.flags))
    throw new Error(`as-of: bulk answered ${res.status} (${JSON.stringify(body).slice(0, 200)})`);
  return body.flags.length;
}

/** The live revision, as the GraphQL `historyPoint` of a moment far in the future answers it. */
async function currentRevision(url: string): Promise<number> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...ADMIN },
    body: JSON.stringify({ query: '{ historyPoint(asOf: "9007199254740991") { revision } }' }),
  });
  const body = (await res.json()) as { data?: { historyPoint: { revision: number } } };
  const revision = body.data?.historyPoint.revision;
  if (revision === undefined) throw new Error(`as-of: no revision (${JSON.stringify(body)})`);
  return revision;
}

import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import type { PurgeOutcome, RetentionPolicy } from '../../src/audit/audit-log.js';
import { AuditRetention } from '../../src/audit/audit-retention.js';

const POLICY: RetentionPolicy = { maxAgeMs: 1000, maxCount: 10 };

/** A purge over `backlog` entries, at most `batch` a call, counting calls. */
function backlogOf(backlog: number, batch: number) {
  const state = { backlog, calls: 0, policies: [] as RetentionPolicy[] };
  const purge = async (policy: RetentionPolicy): Promise<PurgeOutcome> => {
    state.calls++;
    state.policies.push(policy);
    const purged = Math.min(batch, state.backlog);
    state.backlog -= purged;
    return { purged, more: state.backlog > 0 };
  };
  return { state, purge };
}

describe('audit retention', () => {
  it('purges at start in bounded steps until nothing is due', async () => {
    const { state, purge } = backlogOf(2500, 1000);
    const retention = new AuditRetention(purge, POLICY, pino({ level: 'silent' }));
    retention.start();
    await retention.idle();
    expect(state).toMatchObject({ backlog: 0, calls: 3 });
    expect(state.policies.every((policy) => policy === POLICY)).toBe(true);
    await retention.stop();
  });

  it('runs once more after a burst of writes, never two runs at once, and not after stop', async () => {
    const { state, purge } = backlogOf(0, 1000);
    const retention = new AuditRetention(purge, POLICY, pino({ level: 'silent' }), { minGapMs: 0 });
    retention.start();
    await retention.idle();
    const before = state.calls;
    for (let i = 0; i < 20; i++) retention.afterWrite();
    await retention.idle();
    expect(state.calls).toBe(before + 1);
    await retention.stop();
    retention.afterWrite();
    await retention.idle();
    expect(state.calls).toBe(before + 1);
  });

  it('keeps going after a failed purge: logged, and retried at the next run', async () => {
    let fail = true;
    let calls = 0;
    const retention = new AuditRetention(
      async () => {
        calls++;
        if (fail) throw new Error('store down');
        return { purged: 0, more: false };
      },
      POLICY,
      pino({ level: 'silent' }),
      { minGapMs: 0 },
    );
    retention.start();
    await retention.idle();
    fail = false;
    retention.afterWrite();
    await retention.idle();
    expect(calls).toBe(2);
    await retention.stop();
  });
});

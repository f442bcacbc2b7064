import { describe, expect, it } from '@jest/globals';
import type { Principal } from '../../src/auth/access-control.js';
import { FlagEvaluator, type ServedEvaluation } from '../../src/evaluation/flag-evaluator.js';
import { FlagSnapshot } from '../../src/flags/flag-snapshot.js';
import { BulkEvaluation, type BulkSubject } from '../../src/ofrep/bulk-evaluation.js';
import { BulkAnswerMemo } from '../../src/ofrep/bulk-memo.js';
import { canonicalJson } from '../../src/ofrep/canonical-json.js';
import { EvaluationState } from '../../src/ofrep/evaluation-state.js';
import { StreamTickets } from '../../src/ofrep/stream-tickets.js';
import { aFlag, upsertOf } from '../support/flags.js';

const TOKEN = 'frontend-token-0123456789abcdef';
const principal: Principal = { scope: 'frontend', id: 'f1', name: 'web', environment: 'production' };

/** An evaluator that counts what it evaluates. */
class CountingEvaluator extends FlagEvaluator {
  calls = 0;
  override evaluate(key: string, environment: string, context: unknown): ServedEvaluation {
    this.calls++;
    return super.evaluate(key, environment, context);
  }
}

function setup(flags = 3, memoBytes = 1_000_000) {
  const snapshot = new FlagSnapshot();
  snapshot.reset(
    Array.from({ length: flags }, (_, i) => aFlag(`f${i}`, i + 1, { isEnabled: i % 2 === 0 })),
    flags,
  );
  const evaluator = new CountingEvaluator(snapshot);
  const state = new EvaluationState(snapshot);
  const memo = new BulkAnswerMemo(memoBytes);
  const bulk = new BulkEvaluation(evaluator, snapshot, state, new StreamTickets([TOKEN]), memo);
  const subject = (context: object): BulkSubject => ({
    principal,
    environment: 'production',
    context,
    canonicalContext: canonicalJson(context),
    token: TOKEN,
  });
  const answer = (context: object) => {
    const s = subject(context);
    const etag = bulk.etagOf(s);
    return { etag, body: bulk.answer(s, etag).body.toString('utf8') };
  };
  return { snapshot, evaluator, state, memo, bulk, subject, answer };
}

describe('BulkEvaluation (OFREP bulk answers and their ETags)', () => {
  it('answers a repeat of a context from the memo, without evaluating any flag again', () => {
    const { evaluator, answer } = setup();
    const first = answer({ targetingKey: 'u1', plan: 'pro' });
    expect(evaluator.calls).toBe(3);
    const again = answer({ plan: 'pro', targetingKey: 'u1' });
    expect(again).toEqual(first);
    expect(evaluator.calls).toBe(3);
    answer({ targetingKey: 'u2' });
    expect(evaluator.calls).toBe(6);
  });

  it('knows the ETag before evaluating anything: etagOf evaluates no flag', () => {
    const { evaluator, bulk, subject } = setup();
    bulk.etagOf(subject({ targetingKey: 'never-seen' }));
    expect(evaluator.calls).toBe(0);
  });

  it('evaluates again, with another ETag, after any change to a flag or a segment, and keeps the ETag over an environment record change', () => {
    const { snapshot, evaluator, answer } = setup();
    const before = answer({ targetingKey: 'u1' });
    snapshot.apply(upsertOf(aFlag('f1', 10, { isEnabled: true, version: 2 })));
    const after = answer({ targetingKey: 'u1' });
    expect(after.etag).not.toBe(before.etag);
    expect(after.body).not.toBe(before.body);
    expect(evaluator.calls).toBe(6);
    snapshot.apply({
      kind: 'upsert',
      key: '$environment/staging',
      revision: 11,
      flag: {
        key: '$environment/staging',
        kind: 'environment',
        definition: { key: 'staging', description: '' },
        version: 1,
        revision: 11,
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
      },
    });
    expect(answer({ targetingKey: 'u1' }).etag).toBe(after.etag);
  });

  it('changes the ETag when a change arrives late, below revisions already released (a revision alone would not)', () => {
    const { snapshot, answer } = setup(3);
    snapshot.holdUntilReleased();
    snapshot.apply(upsertOf(aFlag('f0', 5, { version: 2, isEnabled: true })));
    snapshot.release(5); // 4 was given up on
    const before = answer({ targetingKey: 'u1' });
    snapshot.apply(upsertOf(aFlag('f1', 4, { version: 2, isEnabled: true })));
    expect(snapshot.releasedRevision).toBe(5);
    expect(answer({ targetingKey: 'u1' }).etag).not.toBe(before.etag);
  });

  it('gives two instances holding the same records the same ETag and bytes, whatever order the changes came in', () => {
    const a = setup(2);
    const b = setup(2);
    const one = aFlag('f0', 3, { version: 2, isEnabled: false });
    const two = aFlag('f1', 4, { version: 2, isEnabled: true });
    a.snapshot.apply(upsertOf(one));
    a.snapshot.apply(upsertOf(two));
    b.snapshot.apply(upsertOf(two));
    b.snapshot.apply(upsertOf(one));
    expect(a.answer({ targetingKey: 'u' })).toEqual(b.answer({ targetingKey: 'u' }));
  });

  it('keeps memoised answers within its byte bound, least recently used out first', () => {
    const { memo, answer } = setup(3, 3000);
    const size = Buffer.byteLength(answer({ targetingKey: 'u0' }).body);
    for (let i = 1; i < 20; i++) answer({ targetingKey: `u${i}` });
    expect(memo.size).toBeGreaterThan(0);
    expect(memo.size).toBeLessThanOrEqual(Math.floor(3000 / size));
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson(JSON.parse('{"__proto__": 1, "x": "\\n"}'))).toBe('{"__proto__":1,"x":"\\n"}');
  });
});

describe('StreamTickets', () => {
  it("accepts a token's ticket for the environment it was issued for, and no other", () => {
    const tickets = new StreamTickets(['token-a-0123456789abcdef', 'token-b-0123456789abcdef']);
    const ticket = tickets.issue('token-b-0123456789abcdef', 'production');
    expect(ticket).not.toContain('token');
    expect(tickets.verify(ticket, 'production')).toBe('token-b-0123456789abcdef');
    expect(tickets.verify(ticket, 'staging')).toBeUndefined();
    expect(tickets.verify(`${ticket}x`, 'production')).toBeUndefined();
    expect(new StreamTickets(['token-a-0123456789abcdef']).verify(ticket, 'production')).toBeUndefined();
  });
});

describe('EvaluationState.whenReleased (a re-fetch caused by an event waits for its change)', () => {
  it('resolves once the snapshot has released the revision, or after the timeout', async () => {
    const snapshot = new FlagSnapshot();
    snapshot.reset([aFlag('a', 1)], 1);
    snapshot.holdUntilReleased();
    const state = new EvaluationState(snapshot);
    let released = false;
    const waiting = state.whenReleased(2, 60_000).then(() => {
      released = true;
    });
    snapshot.apply(upsertOf(aFlag('a', 2, { version: 2 })));
    await Promise.resolve();
    expect(released).toBe(false);
    snapshot.release(2);
    await waiting;
    expect(released).toBe(true);
    await state.whenReleased(1, 60_000); // already released: at once
    await state.whenReleased(99, 1); // never comes: the timeout answers
    state.close();
  });
});

import { describe, expect, it } from '@jest/globals';
import type { Principal } from '../../src/auth/access-control.js';
import { FlagEvaluator } from '../../src/evaluation/flag-evaluator.js';
import { FlagSnapshot } from '../../src/flags/flag-snapshot.js';
import { BulkContextMemo, type KnownContext } from '../../src/ofrep/bulk-context-memo.js';
import { BulkEvaluation, type BulkSubject } from '../../src/ofrep/bulk-evaluation.js';
import { BulkAnswerMemo } from '../../src/ofrep/bulk-memo.js';
import { canonicalJson } from '../../src/ofrep/canonical-json.js';
import { EvaluationState } from '../../src/ofrep/evaluation-state.js';
import { StreamTickets } from '../../src/ofrep/stream-tickets.js';
import { aFlag, upsertOf } from '../support/flags.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');

/** Reads `text` as the transport does: from the memo, else parsed and remembered. */
function read(memo: BulkContextMemo, text: string): KnownContext {
  const body = bytes(text);
  const known = memo.get(body);
  if (known) return known;
  const context = (JSON.parse(text) as { context: object }).context;
  return memo.remember(body, context, canonicalJson(context));
}

describe('BulkContextMemo (bulk request bodies by their bytes)', () => {
  it('finds a body again only by the very same bytes, whatever their length', () => {
    const memo = new BulkContextMemo(1_000_000);
    const text = '{"context":{"targetingKey":"u1","deep":{"a":[1,2]}}}';
    const known = read(memo, text);
    expect(memo.get(bytes(text))).toBe(known);
    for (const other of [
      text.replace('[1,2]', '[2,1]'),
      text.replace('u1', 'u2'),
      ` ${text}`,
      text.slice(0, -1),
    ])
      expect(memo.get(bytes(other))).toBeUndefined();
    // Bytes that are not UTF-8 are keys like any other (latin1: one character a byte).
    const latin = Buffer.from([0x7b, 0xe9, 0x7d]);
    const utf8 = Buffer.from('{é}', 'utf8');
    memo.remember(utf8, {}, '{}');
    expect(memo.get(latin)).toBeUndefined();
    expect(memo.get(utf8)).toBeDefined();
  });

  it('freezes what it keeps, at every depth: no request can change what another will read', () => {
    const memo = new BulkContextMemo(1_000_000);
    const { context } = read(memo, '{"context":{"targetingKey":"u1","deep":{"list":[{"x":1}]}}}');
    expect(() => {
      (context as { deep: { list: [{ x: number }] } }).deep.list[0].x = 2;
    }).toThrow(TypeError);
    expect(Object.isFrozen(context)).toBe(true);
  });

  it('stays within its byte bound, oldest out first; keeps nothing when off or for a large body', () => {
    const memo = new BulkContextMemo(5_000);
    for (let i = 0; i < 100; i++) read(memo, `{"context":{"targetingKey":"user-${i}"}}`);
    expect(memo.size).toBeGreaterThan(0);
    expect(memo.size).toBeLessThan(100);
    expect(memo.get(bytes('{"context":{"targetingKey":"user-99"}}'))).toBeDefined();
    expect(memo.get(bytes('{"context":{"targetingKey":"user-0"}}'))).toBeUndefined();
    const off = new BulkContextMemo(0);
    read(off, '{"context":{}}');
    expect(off.size).toBe(0);
    const large = `{"context":{"padding":"${'x'.repeat(5000)}"}}`;
    read(memo, large);
    expect(memo.get(bytes(large))).toBeUndefined();
  });
});

describe('BulkEvaluation.etagOf with a remembered context', () => {
  const reader: Principal = { scope: 'client', id: 'c1', name: 'reader' };
  const frontend: Principal = { scope: 'frontend', id: 'f1', name: 'web', environment: 'production' };

  function setup() {
    const snapshot = new FlagSnapshot();
    snapshot.reset([aFlag('f0', 1), aFlag('f1', 2)], 2);
    const state = new EvaluationState(snapshot);
    const bulk = new BulkEvaluation(
      new FlagEvaluator(snapshot),
      snapshot,
      state,
      new StreamTickets([]),
      new BulkAnswerMemo(0),
    );
    const memo = new BulkContextMemo(1_000_000);
    /** The ETag for `text`, remembered (as the transport does), and computed afresh without the memo. */
    const etags = (text: string, principal = reader, environment = 'production') => {
      const known = read(memo, text);
      const subject: BulkSubject = { principal, environment, ...known, token: undefined, known };
      const { known: _remembered, ...fresh } = subject;
      return { remembered: bulk.etagOf(subject), fresh: bulk.etagOf(fresh) };
    };
    return { snapshot, etags };
  }

  it('is the ETag computed afresh, for every token, environment and state it is asked in', () => {
    const { snapshot, etags } = setup();
    const text = '{"context":{"targetingKey":"u1","deep":{"a":1}}}';
    const seen = new Set<string>();
    const check = (principal: Principal, environment: string) => {
      const { remembered, fresh } = etags(text, principal, environment);
      expect(remembered).toBe(fresh);
      expect(etags(text, principal, environment).remembered).toBe(fresh);
      seen.add(fresh);
    };
    check(reader, 'production');
    check(frontend, 'production');
    check(reader, 'staging');
    check(reader, 'production');
    expect(seen.size).toBe(3);
    snapshot.apply(upsertOf(aFlag('f1', 3, { version: 2, isEnabled: true })));
    check(reader, 'production');
    expect(seen.size).toBe(4);
  });

  it('follows each part of the state on its own: a change held before release, its release, a late change below it', () => {
    const { snapshot, etags } = setup();
    const text = '{"context":{"targetingKey":"u1"}}';
    const seen = new Set<string>([etags(text).fresh]);
    const check = () => {
      const { remembered, fresh } = etags(text);
      expect(remembered).toBe(fresh);
      seen.add(fresh);
    };
    snapshot.holdUntilReleased();
    // Applied, not yet released: the records' fingerprint moves, the last change event does not.
    snapshot.apply(upsertOf(aFlag('f0', 5, { version: 2, isEnabled: true })));
    check();
    expect(seen.size).toBe(2);
    // Released (4 given up on): the last change event moves, the records do not.
    snapshot.release(5);
    check();
    expect(seen.size).toBe(3);
    // 4 arrives late, below what was released: the records move, the last change event does not.
    snapshot.apply(upsertOf(aFlag('f1', 4, { version: 2, isEnabled: true })));
    expect(snapshot.releasedRevision).toBe(5);
    check();
    expect(seen.size).toBe(4);
  });
});

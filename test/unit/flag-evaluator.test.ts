import { fromLegacyFlag } from '@flagwire/core';
import { describe, expect, it } from '@jest/globals';
import { FlagEvaluator } from '../../src/evaluation/flag-evaluator.js';
import type { StoredRecord } from '../../src/flags/flag.js';
import { FlagSnapshot } from '../../src/flags/flag-snapshot.js';
import { aFlag } from '../support/flags.js';

describe('FlagEvaluator (the service-side evaluator over the snapshot)', () => {
  it('never throws: a snapshot lookup that fails is answered ERROR / GENERAL', () => {
    class FailingSnapshot extends FlagSnapshot {
      override get(_key: string): StoredRecord | null {
        throw new Error('lookup failed');
      }
    }
    expect(new FlagEvaluator(new FailingSnapshot()).evaluate('a', 'production', {})).toEqual({
      key: 'a',
      environment: 'production',
      reason: 'ERROR',
      errorCode: 'GENERAL',
      errorDetails: 'lookup failed',
    });
  });

  it('answers a new definition as soon as the snapshot holds it (compiled again for the new record)', () => {
    const snapshot = new FlagSnapshot();
    const evaluator = new FlagEvaluator(snapshot);
    const on = aFlag('a', 1, { isEnabled: true });
    snapshot.reset([on], 1);
    expect(evaluator.evaluate('a', 'production', {})).toMatchObject({ value: true, variant: 'on' });
    const off = {
      ...on,
      version: 2,
      revision: 2,
      definition: fromLegacyFlag({ key: 'a', isEnabled: false }),
    };
    snapshot.apply({ kind: 'upsert', key: 'a', revision: 2, flag: off });
    expect(evaluator.evaluate('a', 'production', {})).toMatchObject({
      value: false,
      variant: 'off',
      reason: 'DISABLED',
      flag: off,
    });
  });

  it('answers a flag without configuration in the environment with no value: the caller keeps its default', () => {
    const snapshot = new FlagSnapshot();
    snapshot.reset([aFlag('a', 1, { isEnabled: true })], 1);
    const served = new FlagEvaluator(snapshot).evaluate('a', 'staging', { targetingKey: 'u' });
    expect(served).toMatchObject({ reason: 'DISABLED', decision: { kind: 'environmentNotConfigured' } });
    expect('value' in served || 'variant' in served).toBe(false);
  });
});

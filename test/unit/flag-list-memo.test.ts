import { describe, expect, it } from '@jest/globals';
import { FlagSnapshot } from '../../src/flags/flag-snapshot.js';
import { FlagListMemo } from '../../src/http/flag-list-memo.js';
import { aFlag, seen } from '../support/flags.js';

function setup(maxEntries = 10) {
  const snapshot = new FlagSnapshot();
  snapshot.reset([aFlag('beta.a', 1), aFlag('pay.a', 2)], 2);
  return { snapshot, memo: new FlagListMemo(snapshot, maxEntries) };
}

describe('FlagListMemo', () => {
  it('serves a warm prefix from memory without listing the snapshot again', () => {
    const { snapshot, memo } = setup();
    const first = memo.get('beta');
    const list = snapshot.list.bind(snapshot);
    let listed = 0;
    snapshot.list = (prefix) => {
      listed++;
      return list(prefix);
    };
    expect(memo.get('beta')).toBe(first);
    expect(listed).toBe(0);
    expect(JSON.parse(first.body.toString())).toEqual([seen(aFlag('beta.a', 1))]);
  });

  it('gives equal bodies equal ETags and different bodies different ones', () => {
    const a = setup().memo;
    const b = setup().memo;
    expect(a.get('beta').etag).toBe(b.get('beta').etag);
    expect(a.get('beta').etag).not.toBe(a.get('pay').etag);
  });

  it('drops only the prefixes a change falls under', () => {
    const { snapshot, memo } = setup();
    const beta = memo.get('beta');
    const all = memo.get('');
    const pay = memo.get('pay');
    snapshot.apply({ kind: 'upsert', key: 'beta.b', revision: 3, flag: aFlag('beta.b', 3) });
    expect(memo.get('pay')).toBe(pay);
    expect(memo.get('beta')).not.toBe(beta);
    expect(memo.get('beta').etag).not.toBe(beta.etag);
    expect(memo.get('').etag).not.toBe(all.etag);
  });

  it('stays within its bound under a stream of distinct prefixes', () => {
    const { memo } = setup(50);
    for (let i = 0; i < 10_000; i++) memo.get(`p${i}`);
    expect(memo.size).toBe(50);
  });

  it('forgets everything when the snapshot is replaced', () => {
    const { snapshot, memo } = setup();
    const before = memo.get('beta');
    snapshot.reset([aFlag('beta.z', 7)], 7);
    expect(memo.get('beta').etag).not.toBe(before.etag);
  });

  it("keeps one answer per environment and prefix, drops a change's prefix in every environment, and forgets the least recent across environments", () => {
    const { snapshot, memo } = setup(3);
    const production = memo.get('beta', 'production');
    const staging = memo.get('beta', 'staging');
    expect(staging).not.toBe(production);
    expect(memo.get('beta', 'production')).toBe(production);
    snapshot.apply({ kind: 'upsert', key: 'beta.b', revision: 3, flag: aFlag('beta.b', 3) });
    const betaProduction = memo.get('beta', 'production');
    const betaStaging = memo.get('beta', 'staging');
    expect(betaProduction).not.toBe(production);
    expect(betaStaging).not.toBe(staging);
    // Least recent first out, whatever its environment: production's beta goes.
    const payStaging = memo.get('pay', 'staging');
    memo.get('pay', 'production');
    expect(memo.size).toBe(3);
    expect(memo.get('beta', 'staging')).toBe(betaStaging);
    expect(memo.get('pay', 'staging')).toBe(payStaging);
    expect(memo.get('beta', 'production')).not.toBe(betaProduction);
  });
});

import { describe, expect, it } from '@jest/globals';
import { parse } from 'graphql';
import type { Principal } from '../../src/auth/access-control.js';
import { FlagSnapshot } from '../../src/flags/flag-snapshot.js';
import { readsOnlyFlagState } from '../../src/graphql/memoisable.js';
import { requestKey } from '../../src/graphql/request-key.js';
import { GraphQLResponseMemo, type MemoisedResponse } from '../../src/graphql/response-memo.js';
import { aFlag } from '../support/flags.js';

function answer(text: string): MemoisedResponse {
  const body = Buffer.from(text);
  return { body, headers: { 'content-type': 'application/json', 'content-length': String(body.length) } };
}

function setup(limits = { maxEntries: 10, maxBytes: 1_000_000 }) {
  const snapshot = new FlagSnapshot();
  snapshot.reset([aFlag('beta.a', 1), aFlag('pay.a', 2)], 2);
  return { snapshot, memo: new GraphQLResponseMemo(snapshot, limits) };
}

describe('GraphQLResponseMemo', () => {
  it('keeps an answer made in the current state and hands it back', () => {
    const { memo } = setup();
    const kept = answer('{"data":{}}');
    expect(memo.set('q', memo.generation, kept)).toBe(true);
    expect(memo.get('q')).toBe(kept);
    expect(memo.stats.hits).toBe(1);
  });

  it('drops every answer when the snapshot applies a change, whatever its key', () => {
    const { snapshot, memo } = setup();
    memo.set('beta', memo.generation, answer('1'));
    memo.set('pay', memo.generation, answer('2'));
    snapshot.apply({ kind: 'upsert', key: 'beta.b', revision: 3, flag: aFlag('beta.b', 3) });
    expect(memo.get('beta')).toBeUndefined();
    expect(memo.get('pay')).toBeUndefined();
    expect(memo.stats.bytes).toBe(0);
  });

  it('drops every answer on a change older than the snapshot revision (a late change to another key)', () => {
    const { snapshot, memo } = setup();
    snapshot.apply({ kind: 'upsert', key: 'beta.a', revision: 10, flag: aFlag('beta.a', 10) });
    memo.set('pay', memo.generation, answer('old'));
    // Revision 5 < 10: the snapshot's revision stays at 10, but pay.a changed.
    expect(snapshot.apply({ kind: 'upsert', key: 'pay.a', revision: 5, flag: aFlag('pay.a', 5) })).toBe(true);
    expect(snapshot.currentRevision).toBe(10);
    expect(memo.get('pay')).toBeUndefined();
  });

  it('drops every answer when the snapshot is reset, and on a delete', () => {
    const { snapshot, memo } = setup();
    memo.set('q', memo.generation, answer('1'));
    snapshot.reset([aFlag('beta.a', 1)], 2);
    expect(memo.get('q')).toBeUndefined();
    memo.set('q', memo.generation, answer('2'));
    snapshot.apply({ kind: 'delete', key: 'beta.a', revision: 3, version: 1 });
    expect(memo.get('q')).toBeUndefined();
  });

  it('refuses an answer computed while a change was applied', () => {
    const { snapshot, memo } = setup();
    const before = memo.generation; // read before executing...
    snapshot.apply({ kind: 'upsert', key: 'beta.b', revision: 3, flag: aFlag('beta.b', 3) });
    // ...so what it computed may predate the change.
    expect(memo.set('q', before, answer('stale'))).toBe(false);
    expect(memo.get('q')).toBeUndefined();
  });

  it('forgets the least recently used answer past maxEntries', () => {
    const { memo } = setup({ maxEntries: 2, maxBytes: 1_000_000 });
    memo.set('a', memo.generation, answer('a'));
    memo.set('b', memo.generation, answer('b'));
    memo.get('a');
    memo.set('c', memo.generation, answer('c'));
    expect(memo.size).toBe(2);
    expect(memo.get('b')).toBeUndefined();
    expect(memo.get('a')).toBeDefined();
    expect(memo.get('c')).toBeDefined();
  });

  it('stays within maxBytes, counting keys and bodies, and refuses an answer too large to keep', () => {
    const maxBytes = 4_000;
    const { memo } = setup({ maxEntries: 1000, maxBytes });
    for (let i = 0; i < 100; i++) {
      memo.set(`key-${i}-${'k'.repeat(100)}`, memo.generation, answer('x'.repeat(200)));
      expect(memo.stats.bytes).toBeLessThanOrEqual(maxBytes);
    }
    expect(memo.size).toBeGreaterThan(0);
    expect(memo.size).toBeLessThan(100);
    expect(memo.set('huge', memo.generation, answer('x'.repeat(maxBytes)))).toBe(false);
    expect(memo.get('huge')).toBeUndefined();
  });

  it('replaces an answer under the same key without counting it twice', () => {
    const { memo } = setup();
    memo.set('q', memo.generation, answer('one'));
    const bytes = memo.stats.bytes;
    memo.set('q', memo.generation, answer('two'));
    expect(memo.stats.bytes).toBe(bytes);
    expect(memo.get('q')?.body.toString()).toBe('two');
  });

  it('stops following the snapshot when closed', () => {
    const { snapshot, memo } = setup();
    memo.close();
    const generation = memo.generation;
    snapshot.apply({ kind: 'upsert', key: 'beta.b', revision: 3, flag: aFlag('beta.b', 3) });
    expect(memo.generation).toBe(generation);
  });
});

describe('readsOnlyFlagState', () => {
  const reads = (source: string, name?: string) => {
    const document = parse(source);
    const operation = document.definitions.find(
      (d) => d.kind === 'OperationDefinition' && (name === undefined || d.name?.value === name),
    );
    if (operation?.kind !== 'OperationDefinition') throw new Error('no operation');
    return readsOnlyFlagState(operation, document);
  };

  it('accepts queries of flags and flag, with aliases, fragments and __typename', () => {
    expect(reads('{ flags { key } }')).toBe(true);
    expect(reads('query { a: flag(key: "x") { key } __typename }')).toBe(true);
    expect(reads('query Q { ...F } fragment F on Query { flags { ...G } } fragment G on Flag { key }')).toBe(
      true,
    );
    expect(reads('{ ... on Query { flag(key: "x") { key } } }')).toBe(true);
  });

  it('refuses mutations, subscriptions and introspection, however they are written', () => {
    expect(reads('mutation { toggleFlag(key: "x") { key } }')).toBe(false);
    expect(reads('subscription { flagChanged { key } }')).toBe(false);
    expect(reads('{ __schema { types { name } } }')).toBe(false);
    expect(reads('{ flags { key } __type(name: "Flag") { name } }')).toBe(false);
    expect(reads('{ ...F } fragment F on Query { __schema { queryType { name } } }')).toBe(false);
    expect(reads('{ ... on Query { __schema { queryType { name } } } }')).toBe(false);
    expect(reads('{ ...Missing }')).toBe(false);
  });

  it('judges the operation that runs, not the others in the document', () => {
    const source = 'query Read { flags { key } } mutation Write { toggleFlag(key: "x") { key } }';
    expect(reads(source, 'Read')).toBe(true);
    expect(reads(source, 'Write')).toBe(false);
  });
});

describe('requestKey', () => {
  const client: Principal = { scope: 'client', id: 'aaaaaaaaaaaa', name: 'reader' };
  const headers =
    (values: Record<string, string>) =>
    (name: string): string | undefined =>
      values[name];
  const json = { 'content-type': 'application/json' };
  const body = Buffer.from('{"query":"{ flags { key } }"}');

  it('is the same for the same request, and differs in every input Apollo reads', () => {
    const base = requestKey(client, 'POST', headers(json), '', body);
    expect(requestKey(client, 'POST', headers(json), '', Buffer.from(body))).toBe(base);
    const variants = [
      requestKey({ scope: 'client', id: 'bbbbbbbbbbbb', name: 'reader' }, 'POST', headers(json), '', body),
      requestKey({ scope: 'admin', id: 'aaaaaaaaaaaa', name: 'reader' }, 'POST', headers(json), '', body),
      requestKey(client, 'POST', headers({ 'content-type': 'text/plain' }), '', body),
      requestKey(client, 'POST', headers({ ...json, accept: 'application/graphql-response+json' }), '', body),
      requestKey(client, 'POST', headers({ ...json, 'apollo-require-preflight': 'true' }), '', body),
      requestKey(client, 'POST', headers({ ...json, 'apollo-require-preflight': '' }), '', body),
      requestKey(client, 'POST', headers({ ...json, 'x-apollo-operation-name': 'Q' }), '', body),
      requestKey(client, 'POST', headers(json), '?query=x', body),
      requestKey(client, 'POST', headers(json), '', Buffer.from('{"query":"{ flags { key } }" }')),
      requestKey(client, 'GET', headers(json), '', undefined),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
  });

  it('is undefined for methods other than GET and POST, and for a POST without a JSON body', () => {
    expect(requestKey(client, 'PUT', headers(json), '', body)).toBeUndefined();
    expect(requestKey(client, 'HEAD', headers(json), '', undefined)).toBeUndefined();
    expect(requestKey(client, 'POST', headers(json), '', undefined)).toBeUndefined();
  });

  it('keeps the query string and the body apart', () => {
    const a = requestKey(client, 'GET', headers({}), '?a', Buffer.from('b'));
    const b = requestKey(client, 'GET', headers({}), '?ab', Buffer.from(''));
    expect(a).not.toBe(b);
  });
});

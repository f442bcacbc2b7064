import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { diffJson, sameJson } from '../../src/audit/audit-diff.js';

describe('the audit diff', () => {
  it('is empty for equal documents, whatever their member order', () => {
    expect(diffJson({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual([]);
  });

  it('names each changed leaf by JSON Pointer, with its value before and after', () => {
    expect(
      diffJson(
        { environments: { production: { enabled: false } }, tags: ['a'] },
        { environments: { production: { enabled: true } }, tags: ['a'], description: 'x' },
      ),
    ).toEqual([
      { op: 'add', path: '/description', after: 'x' },
      { op: 'replace', path: '/environments/production/enabled', before: false, after: true },
    ]);
  });

  it('reads an insertion or removal in a list as one add or remove, not every later item replaced', () => {
    const rules = ['r1', 'r2', 'r3'].map((id) => ({ id }));
    expect(diffJson({ rules }, { rules: [{ id: 'r0' }, ...rules] })).toEqual([
      { op: 'add', path: '/rules/0', after: { id: 'r0' } },
    ]);
    expect(diffJson({ rules }, { rules: [rules[0], rules[2]] })).toEqual([
      { op: 'remove', path: '/rules/1', before: { id: 'r2' } },
    ]);
    expect(diffJson({ rules }, { rules: [rules[0], { id: 'r2', x: 1 }, rules[2]] })).toEqual([
      { op: 'add', path: '/rules/1/x', after: 1 },
    ]);
  });

  it('escapes keys in pointers (~ and /) and diffs whole documents for creates and deletes', () => {
    expect(diffJson({ 'a/b': 1, 'c~d': 1 }, { 'a/b': 2, 'c~d': 2 }).map((op) => op.path)).toEqual([
      '/a~1b',
      '/c~0d',
    ]);
    expect(diffJson(null, { key: 'f' })).toEqual([{ op: 'add', path: '', after: { key: 'f' } }]);
    expect(diffJson({ key: 'f' }, undefined)).toEqual([{ op: 'remove', path: '', before: { key: 'f' } }]);
  });

  it('has an operation exactly when the documents differ (property)', () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    fc.assert(
      fc.property(json, json, (a, b) => {
        if (a === null || b === null) return;
        expect(diffJson(a, b).length === 0).toBe(sameJson(a, b));
      }),
    );
  });
});

import { describe, expect, it } from '@jest/globals';
import { decodeCursor, encodeCursor } from '../../src/audit/audit-cursor.js';
import { auditFilterOf, boundOf, pageSizeOf } from '../../src/audit/audit-query.js';

describe('an audit query', () => {
  it('reads since/until as a revision when all digits, else as an ISO-8601 time with its offset', () => {
    expect(boundOf('42')).toEqual({ revision: 42 });
    expect(boundOf('2025-01-31')).toEqual({ time: '2025-01-31' });
    expect(auditFilterOf({ since: '2025-01-31', until: '2025-01-31T14:02:00+02:00' })).toMatchObject({
      since: '2025-01-31T00:00:00.000Z',
      until: '2025-01-31T12:02:00.000Z',
    });
    for (const bad of ['2025-01-31T14:02', 'yesterday', '2025-13-45'])
      expect(() => auditFilterOf({ since: bad })).toThrow(
        expect.objectContaining({ code: 'VALIDATION_FAILED' }),
      );
  });

  it('turns flag and segment into an entity and key, and refuses them together', () => {
    expect(auditFilterOf({ flag: 'a' })).toMatchObject({ entity: 'flag', key: 'a' });
    expect(auditFilterOf({ segment: 'b', entity: 'segment' })).toMatchObject({ entity: 'segment', key: 'b' });
    expect(() => auditFilterOf({ flag: 'a', segment: 'b' })).toThrow(/cannot be combined/);
    expect(() => auditFilterOf({ flag: 'a', entity: 'segment' })).toThrow(/cannot be combined/);
  });

  it('takes only the closed set of actions and token-shaped actors; pages of 1 to 500', () => {
    expect(auditFilterOf({ actions: ['toggle', 'set-rules'] }).actions).toEqual(['toggle', 'set-rules']);
    expect(() => auditFilterOf({ actions: ['explode'] })).toThrow(/one or more of/);
    expect(() => auditFilterOf({ actor: 'a b' })).toThrow(/token name/);
    expect(pageSizeOf(undefined, 'limit')).toBe(50);
    expect(() => pageSizeOf(0, 'limit')).toThrow(/1 to 500/);
  });

  it('binds a cursor to its filter, whatever order the filter was written in', () => {
    const cursor = encodeCursor({ actor: 'a', actions: ['toggle', 'delete'] }, 17);
    expect(decodeCursor({ actions: ['delete', 'toggle'], actor: 'a' }, cursor)).toBe(17);
    expect(() => decodeCursor({ actor: 'b' }, cursor)).toThrow(/other filters/);
    expect(() => decodeCursor({}, 'eyJ2IjoyfQ')).toThrow(/not a cursor/);
  });
});

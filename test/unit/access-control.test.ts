import { describe, expect, it } from '@jest/globals';
import { AccessControl } from '../../src/auth/access-control.js';
import { derivedTokenName } from '../../src/auth/token-entries.js';

describe('AccessControl', () => {
  const access = new AccessControl({ admin: ['admin-secret'], client: ['client-secret'] });

  it('names the principal of a configured token, the same on every repeat of its header', () => {
    for (let i = 0; i < 3; i++) {
      expect(access.authenticate('Bearer client-secret').scope).toBe('client');
      expect(access.authenticate('Bearer admin-secret').scope).toBe('admin');
    }
  });

  it('binds a client token to its environment (a plain one to production) and leaves admin tokens unbound', () => {
    const bound = new AccessControl({
      admin: ['admin-secret'],
      client: ['plain-secret', { token: 'staging-secret', environment: 'staging' }],
    });
    for (let i = 0; i < 2; i++) {
      expect(bound.authenticate('Bearer plain-secret').environment).toBe('production');
      expect(bound.authenticate('Bearer staging-secret').environment).toBe('staging');
      expect(bound.authenticate('Bearer admin-secret').environment).toBeUndefined();
    }
  });

  it('refuses a frontend token (403) everywhere but evaluation, where it is a principal bound to its environment', () => {
    const withFrontend = new AccessControl({
      admin: ['admin-secret'],
      client: [],
      frontend: [{ token: 'frontend-secret', environment: 'staging' }],
    });
    for (let i = 0; i < 2; i++) {
      expect(() => withFrontend.authenticate('Bearer frontend-secret')).toThrow(
        expect.objectContaining({ code: 'FORBIDDEN' }),
      );
      expect(withFrontend.authenticateEvaluation('Bearer frontend-secret')).toMatchObject({
        scope: 'frontend',
        environment: 'staging',
      });
      expect(withFrontend.authenticate('Bearer admin-secret').scope).toBe('admin');
    }
    expect(() => withFrontend.authenticateEvaluation('Bearer nope')).toThrow(
      expect.objectContaining({ code: 'UNAUTHENTICATED' }),
    );
  });

  it('refuses an unknown token every time, also after valid tokens were accepted', () => {
    access.authenticate('Bearer client-secret');
    for (let i = 0; i < 3; i++) {
      expect(() => access.authenticate('Bearer client-secre')).toThrow(/not valid/);
      expect(() => access.authenticate('Bearer client-secret-and-more')).toThrow(/not valid/);
      expect(() => access.authenticate(undefined)).toThrow(/valid token/);
    }
  });

  it('keeps answering correctly once more distinct headers were accepted than it remembers', () => {
    const many = new AccessControl({ admin: ['a'], client: ['c'] });
    // Distinct headers naming the same token (extra spaces are allowed by the Bearer syntax).
    for (let spaces = 1; spaces <= 1100; spaces++) {
      expect(many.authenticate(`Bearer${' '.repeat(spaces)}c`).scope).toBe('client');
    }
    expect(many.authenticate('Bearer a').scope).toBe('admin');
    expect(() => many.authenticate('Bearer b')).toThrow(/not valid/);
  });

  it('names each principal after its token: the configured name, else one derived from its digest', () => {
    const named = new AccessControl({
      admin: [{ token: 'admin-secret', name: 'alice' }, 'plain-admin-secret'],
      client: [{ token: 'staging-secret', environment: 'staging', name: 'checkout' }, 'plain-secret'],
    });
    expect(named.authenticate('Bearer admin-secret').name).toBe('alice');
    expect(named.authenticate('Bearer staging-secret')).toMatchObject({
      name: 'checkout',
      environment: 'staging',
    });
    expect(named.authenticate('Bearer plain-admin-secret').name).toBe(
      derivedTokenName('admin', 'plain-admin-secret'),
    );
    expect(named.authenticate('Bearer plain-secret').name).toMatch(/^client-[0-9a-f]{8}$/);
  });

  it("acts as 'anonymous' when no token is configured", () => {
    expect(new AccessControl({ admin: [], client: [] }).authenticate(undefined)).toMatchObject({
      scope: 'admin',
      name: 'anonymous',
    });
  });
});

import { fromLegacyFlag, toLegacyView, validateFlag } from '@flagwire/core';
import { describe, expect, it } from '@jest/globals';
import { storeContext } from './support.js';

describe('legacy flags', () => {
  it("maps the seed's POST body to a boolean flag enabled in production as isEnabled says", () => {
    const def = fromLegacyFlag({ key: 'dark-mode', isEnabled: true, description: 'Dark theme' });
    expect(def).toEqual({
      key: 'dark-mode',
      description: 'Dark theme',
      type: 'boolean',
      variants: { on: true, off: false },
      tags: [],
      environments: {
        production: {
          enabled: true,
          offVariant: 'off',
          prerequisites: [],
          targets: [],
          rules: [],
          fallthrough: { variant: 'on' },
        },
      },
    });
    expect(validateFlag(def, storeContext({ environments: ['production'] }))).toEqual({
      ok: true,
      value: def,
    });
  });

  it('reads back as the same key, isEnabled and description', () => {
    for (const isEnabled of [true, false]) {
      const legacy = { key: 'beta.search', isEnabled, description: '' };
      expect(toLegacyView(fromLegacyFlag(legacy))).toEqual(legacy);
    }
  });

  it('shows isEnabled per environment, false where the flag has no configuration', () => {
    const def = fromLegacyFlag({ key: 'k', isEnabled: true });
    expect(toLegacyView(def, 'production').isEnabled).toBe(true);
    expect(toLegacyView(def, 'staging')).toEqual({ key: 'k', isEnabled: false, description: '' });
    expect(toLegacyView(def, 'constructor').isEnabled).toBe(false);
  });
});

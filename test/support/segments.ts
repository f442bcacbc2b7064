import type { FlagDefinitionInput } from '@flagwire/core';

/**
 * A boolean flag document that is on exactly for the members of `segment` in production (off for
 * everyone else): what `PUT /feature-flags/{key}` takes.
 */
export function flagOnForSegment(key: string, segment: string): FlagDefinitionInput {
  return {
    key,
    type: 'boolean',
    variants: { on: true, off: false },
    environments: {
      production: {
        enabled: true,
        offVariant: 'off',
        rules: [{ clauses: [{ op: 'segmentMatch', values: [segment] }], serve: { variant: 'on' } }],
        fallthrough: { variant: 'off' },
      },
    },
  };
}

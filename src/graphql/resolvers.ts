import { assertValidKey, normalizePrefix } from '../flags/validation.js';
import type { Resolvers } from './generated.js';
import { toExpectedVersion, toFlagInput, toFlagPatch } from './inputs.js';

/** Thin: reads come from the snapshot, writes go through the FlagService, which validates. */
export const resolvers: Resolvers = {
  Query: {
    flags: (_parent, { prefix }, { snapshot }) => snapshot.list(normalizePrefix(prefix)),
    flag: (_parent, { key }, { snapshot }) => {
      assertValidKey(key);
      return snapshot.get(key);
    },
  },
  Mutation: {
    createFlag: (_parent, { input }, { flags }) => flags.create(toFlagInput(input)),
    setFlag: (_parent, { input }, { flags }) => flags.upsert(toFlagInput(input)),
    updateFlag: (_parent, { key, patch, expectedVersion }, { flags }) =>
      flags.update(key, toFlagPatch(patch), toExpectedVersion(expectedVersion)),
    toggleFlag: (_parent, { key, expectedVersion }, { flags }) =>
      flags.toggle(key, toExpectedVersion(expectedVersion)),
    deleteFlag: (_parent, { key, expectedVersion }, { flags }) =>
      flags.remove(key, toExpectedVersion(expectedVersion)),
  },
};

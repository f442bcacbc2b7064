import { FlagwireError } from './errors.js';
import {
  CreateFlagDocument,
  DeleteFlagDocument,
  SetFlagDocument,
  ToggleFlagDocument,
  UpdateFlagDocument,
} from './generated/graphql.js';
import { graphqlRequest, type HttpContext } from './http.js';
import type { Flag } from './types.js';
import { parseFlag } from './wire.js';

/** A flag the server answered a write with, checked like every flag the client holds. */
function checked(value: unknown): Flag {
  const flag = parseFlag(value);
  if (!flag)
    throw new FlagwireError('BAD_RESPONSE', 'the server answered a write with something other than a flag');
  return flag;
}

/** A new flag: `isEnabled` defaults to false and `description` to `""`. */
export interface CreateFlagInput {
  key: string;
  isEnabled?: boolean;
  description?: string;
}

/** A create-or-update: fields left out keep their value (or take their default on create). */
export type SetFlagInput = CreateFlagInput;

/** The fields to change; at least one. */
export interface FlagPatch {
  isEnabled?: boolean;
  description?: string;
}

/** What is left of a deleted flag. */
export interface DeletedFlag {
  readonly key: string;
  /** The version the flag had when it was deleted. */
  readonly version: number;
  /** The global revision of the delete. */
  readonly revision: number;
}

/**
 * Typed writes through the GraphQL mutations, for tools, demos and tests. Unlike flag evaluation they
 * throw: a {@link FlagwireError} with the server's code (`FLAG_ALREADY_EXISTS`, `FLAG_NOT_FOUND`,
 * `VERSION_MISMATCH`, `VALIDATION_FAILED`, ...) or a client one (`NETWORK_ERROR`, `TIMEOUT`,
 * `BAD_RESPONSE`). `expectedVersion` makes a write conditional (`VERSION_MISMATCH` when stale).
 */
export interface FlagAdmin {
  /** Creates a flag; `FLAG_ALREADY_EXISTS` when the key is taken. */
  create(input: CreateFlagInput): Promise<Flag>;
  /** Creates the flag or updates the fields given, like `POST /feature-flags`. */
  set(input: SetFlagInput): Promise<{ flag: Flag; created: boolean }>;
  /** Changes the fields given; `FLAG_NOT_FOUND` when there is no such flag. */
  update(key: string, patch: FlagPatch, expectedVersion?: number): Promise<Flag>;
  /** Flips `isEnabled` of the latest version (or of `expectedVersion` only). */
  toggle(key: string, expectedVersion?: number): Promise<Flag>;
  /** Deletes a flag; `FLAG_NOT_FOUND` when there is no such flag. */
  delete(key: string, expectedVersion?: number): Promise<DeletedFlag>;
}

export function createAdmin(http: HttpContext): FlagAdmin {
  return {
    async create(input) {
      return checked((await graphqlRequest(http, CreateFlagDocument, { input })).createFlag);
    },
    async set(input) {
      const { flag, created } = (await graphqlRequest(http, SetFlagDocument, { input })).setFlag;
      return { flag: checked(flag), created };
    },
    async update(key, patch, expectedVersion) {
      const answer = await graphqlRequest(http, UpdateFlagDocument, { key, patch, expectedVersion });
      return checked(answer.updateFlag);
    },
    async toggle(key, expectedVersion) {
      return checked((await graphqlRequest(http, ToggleFlagDocument, { key, expectedVersion })).toggleFlag);
    },
    async delete(key, expectedVersion) {
      return (await graphqlRequest(http, DeleteFlagDocument, { key, expectedVersion })).deleteFlag;
    },
  };
}

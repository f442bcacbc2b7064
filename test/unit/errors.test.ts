import { describe, expect, it } from '@jest/globals';
import { AppError, toPublicError } from '../../src/errors.js';
import {
  FlagAlreadyExistsError,
  FlagNotFoundError,
  StoreUnavailableError,
  ValidationError,
  VersionMismatchError,
  WriteConflictError,
} from '../../src/flags/errors.js';

describe('flag errors as a client sees them', () => {
  it('a validation failure is a 400 VALIDATION_FAILED with the message and details given', () => {
    const err = new ValidationError('bad key', { field: 'key' });
    expect(err).toBeInstanceOf(AppError);
    expect(toPublicError(err)).toEqual({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED', message: 'bad key', details: { field: 'key' } } },
    });
  });

  it('a missing flag is a 404 FLAG_NOT_FOUND naming the key', () => {
    expect(toPublicError(new FlagNotFoundError('beta.x'))).toEqual({
      status: 404,
      body: {
        error: {
          code: 'FLAG_NOT_FOUND',
          message: "Flag 'beta.x' does not exist",
          details: { key: 'beta.x' },
        },
      },
    });
  });

  it('a taken key is a 409 FLAG_ALREADY_EXISTS naming the key', () => {
    expect(toPublicError(new FlagAlreadyExistsError('beta.x'))).toEqual({
      status: 409,
      body: {
        error: {
          code: 'FLAG_ALREADY_EXISTS',
          message: "Flag 'beta.x' already exists",
          details: { key: 'beta.x' },
        },
      },
    });
  });

  it('a stale expected version is a 412 VERSION_MISMATCH with the expected and the current version', () => {
    expect(toPublicError(new VersionMismatchError('k', 3, 5))).toEqual({
      status: 412,
      body: {
        error: {
          code: 'VERSION_MISMATCH',
          message: "Flag 'k' is at version 5, not the expected 3",
          details: { key: 'k', expectedVersion: 3, currentVersion: 5 },
        },
      },
    });
  });

  it('a stale If-Match names the tag the client sent and claims no expected version', () => {
    expect(toPublicError(new VersionMismatchError('k', '"abc"', 5)).body.error).toEqual({
      code: 'VERSION_MISMATCH',
      message: `Flag 'k' is at version 5, not what "abc" names`,
      details: { key: 'k', currentVersion: 5 },
    });
  });

  it('losing every race is a 409 WRITE_CONFLICT that says how often it tried and invites a retry', () => {
    expect(toPublicError(new WriteConflictError('k', 5))).toEqual({
      status: 409,
      body: {
        error: {
          code: 'WRITE_CONFLICT',
          message: "Flag 'k' kept changing under 5 attempts; retry",
          details: { key: 'k' },
        },
      },
    });
  });

  it('an unavailable store is a 503 without details, keeping the driver error only as the cause', () => {
    const cause = new Error('connect ECONNREFUSED 10.0.0.7:27017');
    const err = new StoreUnavailableError(cause);
    expect(err.cause).toBe(cause);
    expect(toPublicError(err)).toEqual({
      status: 503,
      body: { error: { code: 'STORE_UNAVAILABLE', message: 'The flag store is unavailable; retry later' } },
    });
  });
});

import { describe, expect, it } from '@jest/globals';
import { AppError } from '../../src/errors.js';
import { evaluationAnswer, failureAnswer } from '../../src/ofrep/responses.js';

describe('OFREP answers (src/ofrep/responses.ts)', () => {
  it('answers 403 to a token that may not evaluate, in the OFREP error body', () => {
    expect(failureAnswer('beta.a', new AppError('FORBIDDEN', 'This token may not evaluate flags'))).toEqual({
      status: 403,
      body: { key: 'beta.a', errorCode: 'GENERAL', errorDetails: 'This token may not evaluate flags' },
      headers: {},
    });
  });

  it('answers 429 with Retry-After from the error, and 500 with a generic message for an unexpected error', () => {
    const limited = new AppError('RATE_LIMITED', 'Slow down', { retryAfterSeconds: 7 });
    expect(failureAnswer('k', limited)).toMatchObject({ status: 429, headers: { 'Retry-After': '7' } });
    expect(failureAnswer('k', new Error('mongodb://secret-host refused'))).toEqual({
      status: 500,
      body: { key: 'k', errorCode: 'GENERAL', errorDetails: 'Internal server error' },
    });
  });

  it('answers 400 for an evaluation error other than FLAG_NOT_FOUND, GENERAL included', () => {
    const general = evaluationAnswer({
      key: 'k',
      environment: 'production',
      reason: 'ERROR',
      errorCode: 'GENERAL',
      errorDetails: 'a lookup failed',
    });
    expect(general).toEqual({
      status: 400,
      body: { key: 'k', errorCode: 'GENERAL', errorDetails: 'a lookup failed' },
    });
  });
});

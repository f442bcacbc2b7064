import { AppError } from '../errors.js';

export class ValidationError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('VALIDATION_FAILED', message, details);
  }
}

export class FlagNotFoundError extends AppError {
  constructor(key: string) {
    super('FLAG_NOT_FOUND', `Flag '${key}' does not exist`, { key });
  }
}

export class FlagAlreadyExistsError extends AppError {
  constructor(key: string) {
    super('FLAG_ALREADY_EXISTS', `Flag '${key}' already exists`, { key });
  }
}

export class EnvironmentNotFoundError extends AppError {
  constructor(key: string) {
    super('ENVIRONMENT_NOT_FOUND', `Environment '${key}' does not exist; create it with POST /environments`, {
      environment: key,
    });
  }
}

export class EnvironmentAlreadyExistsError extends AppError {
  constructor(key: string) {
    super('ENVIRONMENT_ALREADY_EXISTS', `Environment '${key}' already exists`, { environment: key });
  }
}

/** The caller said which version it expected and the flag (or segment: `noun`) has moved on. */
export class VersionMismatchError extends AppError {
  constructor(key: string, expected: number | string, currentVersion: number, noun = 'Flag') {
    const what = typeof expected === 'number' ? `the expected ${expected}` : `what ${expected} names`;
    super('VERSION_MISMATCH', `${noun} '${key}' is at version ${currentVersion}, not ${what}`, {
      key,
      ...(typeof expected === 'number' ? { expectedVersion: expected } : {}),
      currentVersion,
    });
  }
}

/** Other writers kept winning the race for this flag; the caller may retry. */
export class WriteConflictError extends AppError {
  constructor(key: string, attempts: number, noun = 'Flag') {
    super('WRITE_CONFLICT', `${noun} '${key}' kept changing under ${attempts} attempts; retry`, { key });
  }
}

export class SegmentNotFoundError extends AppError {
  constructor(key: string) {
    super('SEGMENT_NOT_FOUND', `Segment '${key}' does not exist`, { key });
  }
}

export class SegmentAlreadyExistsError extends AppError {
  constructor(key: string) {
    super('SEGMENT_ALREADY_EXISTS', `Segment '${key}' already exists`, { key });
  }
}

/** Deleting the segment would leave these flags' `segmentMatch` clauses naming nothing. */
export class SegmentInUseError extends AppError {
  constructor(key: string, flags: readonly string[]) {
    const shown = flags.slice(0, 10).join("', '");
    const more = flags.length > 10 ? ` and ${flags.length - 10} more` : '';
    super(
      'SEGMENT_IN_USE',
      `Segment '${key}' is used by flag${flags.length === 1 ? '' : 's'} '${shown}'${more}: remove it from their rules first`,
      { key, flags: [...flags] },
    );
  }
}

export class StoreUnavailableError extends AppError {
  constructor(cause: unknown) {
    super('STORE_UNAVAILABLE', 'The flag store is unavailable; retry later', undefined, { cause });
  }
}

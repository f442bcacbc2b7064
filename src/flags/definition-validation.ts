import {
  DEFAULT_ENVIRONMENT,
  type FlagDefinition,
  type ValidationIssue,
  type ValidationResult,
  validateFlag,
} from '@flagwire/core';
import { EnvironmentNotFoundError, ValidationError } from './errors.js';
import { environmentRecordKey, segmentRecordKey } from './flag.js';
import type { RecordCatalog } from './record-catalog.js';

/** `production` always exists; every other environment once created (`POST /environments`). */
export function environmentExists(catalog: RecordCatalog, key: string): boolean {
  return key === DEFAULT_ENVIRONMENT || catalog.get(environmentRecordKey(key)) !== null;
}

/**
 * ENVIRONMENT_NOT_FOUND (404) unless `key` names an environment: a read or seed write in an environment
 * nobody created. (A definition naming one is refused with 400 at its path instead: validDefinition.)
 */
export function assertEnvironmentExists(catalog: RecordCatalog, key: string): void {
  if (!environmentExists(catalog, key)) throw new EnvironmentNotFoundError(key);
}

/**
 * The definition for `key` with every default filled in, or VALIDATION_FAILED naming the first
 * refused path (`details.field`) and every issue found (`details.issues`). The document's `key` may be
 * left out (it is the URL's); given, it must be the same.
 */
export function validDefinition(catalog: RecordCatalog, key: string, input: unknown): FlagDefinition {
  const document =
    typeof input === 'object' && input !== null && !Array.isArray(input) && !Object.hasOwn(input, 'key')
      ? { key, ...input }
      : input;
  const result = validateFlag(document, {
    segments: (segment) => {
      const record = catalog.get(segmentRecordKey(segment));
      return record?.kind === 'segment' ? record.definition : undefined;
    },
    flags: (flag) => {
      const record = catalog.get(flag);
      return record?.kind === 'flag' ? record.definition : undefined;
    },
    flagKeys: () => catalog.flagKeys(),
    environments: (environment) => environmentExists(catalog, environment),
  });
  const definition = orThrow(result);
  if (definition.key !== key) {
    throw new ValidationError(`key: must be '${key}', the key in the URL (got '${definition.key}')`, {
      field: 'key',
      issues: [{ path: 'key', message: `must be '${key}', the key in the URL`, code: 'KEY_MISMATCH' }],
    });
  }
  return definition;
}

/** The value of a successful validation, or VALIDATION_FAILED carrying its issues. */
export function orThrow<T>(result: ValidationResult<T>): T {
  if (result.ok) return result.value;
  throw issuesError(result.issues);
}

function issuesError(issues: ValidationIssue[]): ValidationError {
  const [first] = issues;
  if (!first) return new ValidationError('The document was refused');
  if (first.code === 'INTERNAL_ERROR') throw new Error(`validation failed unexpectedly: ${first.message}`);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more: see details.issues)` : '';
  const where = first.path === '' ? 'the document' : first.path;
  return new ValidationError(`${where}: ${first.message}${more}`, { field: first.path, issues });
}

export * from './bounded-cache.js';
export * from './clause-values.js';
export * from './clauses.js';
export * from './compile.js';
export * from './dates.js';
export * from './definition.js';
export * from './dependencies.js';
export * from './errors.js';
export * from './evaluate.js';
export * from './fractional.js';
export {
  formatPath,
  type Path,
  type PathSegment,
  type ValidationIssue,
  type ValidationResult,
} from './issues.js';
export * from './legacy.js';
export * from './limits.js';
export * from './lookup.js';
export * from './metadata.js';
export * from './murmur3.js';
export * from './operators.js';
export { PatternError, REGEX_CACHE_SIZE, regexError, regexFor } from './regex.js';
export * from './result.js';
export * from './text.js';
export * from './validate.js';

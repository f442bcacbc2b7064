export * from './dates.js';
export * from './definition.js';
export {
  formatPath,
  type Path,
  type PathSegment,
  type ValidationIssue,
  type ValidationResult,
} from './issues.js';
export * from './legacy.js';
export * from './limits.js';
export { regexError } from './regex.js';
export * from './text.js';
export * from './validate.js';

import { MAX_KEY_LENGTH } from './definition.js';

/**
 * Limits on a flag or segment document, checked at write time by `validateFlag` / `validateSegment`.
 *
 * Why limits at all: every definition is held in memory by every instance, sent whole to every
 * server-side SDK on each change, and evaluated on hot paths, so one oversized or pathological
 * document must not be able to slow down or exhaust the service or its readers. Why these numbers:
 * each sits one or two orders of magnitude above what the systems users compare us with allow in
 * practice (LaunchDarkly, Unleash, flagd, GrowthBook), so no honest use meets them, while the whole
 * document stays bounded by {@link MAX_DOCUMENT_BYTES} whatever the individual counts say.
 *
 * - {@link MAX_KEY_LENGTH} (128): flag, segment and environment keys, rule ids (keys appear in URLs,
 *   Redis channels and log lines).
 * - {@link MAX_DESCRIPTION_LENGTH} (1000 characters): same as the flags of today's API.
 * - {@link MAX_VARIANTS} (100): a multivariate test with more arms is not a flag.
 * - {@link MAX_VARIANT_NAME_LENGTH} (128): a variant's name is reported with every evaluation.
 * - {@link MAX_VARIANT_VALUE_BYTES} (64 KiB of JSON): room for a real configuration object, bounded so
 *   a flag cannot become a blob store.
 * - {@link MAX_NESTING_DEPTH} (32): objects and arrays nested in the whole document (a variant's
 *   object value included), so no reader recurses without bound.
 * - {@link MAX_ENVIRONMENTS} (100): environments configured in one flag.
 * - {@link MAX_PREREQUISITES} (20) per environment and {@link MAX_PREREQUISITE_DEPTH} (8): a chain
 *   of prerequisites is evaluated flag by flag, so its length is the evaluator's recursion depth.
 * - {@link MAX_RULES} (200) per environment, {@link MAX_CLAUSES} (50) per rule,
 *   {@link MAX_CLAUSE_VALUES} (10,000) per clause: an evaluation reads rules in order, so these bound
 *   its work (a long list of ids belongs in a segment or a target).
 * - {@link MAX_TARGET_VALUES} (10,000): targeting keys in all targets of one environment together.
 * - {@link MAX_SEGMENT_VALUES} (50,000): `included` and `excluded` of one segment together (segments are
 *   where long lists of ids belong).
 * - {@link MAX_TAGS} (50) of at most {@link MAX_TAG_LENGTH} (64) characters each.
 * - {@link MAX_STRING_LENGTH} (1024): any other string (attribute names, clause values, targeting keys,
 *   rollout seeds).
 * - {@link MAX_REGEX_LENGTH} (1000 characters) per `matches` pattern, {@link MAX_REGEX_PROGRAM_SIZE} (2000
 *   compiled RE2 instructions) per pattern and {@link MAX_REGEX_TOTAL_LENGTH} (5000 characters: five
 *   patterns of the longest kind, or fifty of 100) of patterns per document. RE2 matches in linear time,
 *   but linear in (instructions x input length): measured here with re2js, a 1000-character literal or
 *   an alternation of 120 names compiles to 400 to 1000 instructions and matches 1 KiB in under 1 ms,
 *   while `.{1000}` (1002 instructions) takes ~80 ms on 1 KiB, so the evaluator should also bound the
 *   length of the text it matches. Compiling is the other cost, paid on every write: 5 to 30 ms per
 *   1000 characters for ASCII patterns, up to ~160 ms for one packed with Unicode classes (`(?i)\pL...`),
 *   so the per-document total keeps a write's CPU time under about a second even for hostile patterns.
 * - {@link MAX_DOCUMENT_BYTES} (1 MiB of JSON): the whole definition, checked before anything else.
 * - {@link MAX_ISSUES} (100): a refusal lists at most this many issues (the first ones in document order).
 *
 * Which clause values each operator accepts, and what they mean, is not a limit: it is defined once, in
 * clause-values.ts, and read the same way by validation and the evaluator. The regex limits above are
 * applied by the one compile both use (regex.ts), so the evaluator refuses an over-limit pattern too.
 *
 * The evaluator's own limits. It evaluates what it is given, which may not have been validated (a store
 * written before a limit existed, a client fed by hand), so where it has a limit of its own it is as
 * permissive as it can safely be, never stricter than validation: every validated definition evaluates.
 * - {@link MAX_MATCH_INPUT_LENGTH} (1024 characters): the longest attribute a `matches` clause reads; a
 *   longer one does not match (negated: matches), like an attribute of the wrong type. Not a match on a
 *   truncated prefix: `^...$` would then answer for text the attribute does not hold. With at most
 *   {@link MAX_REGEX_PROGRAM_SIZE} instructions per pattern this bounds one pattern's match to about
 *   (2000 x 1024) steps (the ~80 ms worst case measured above), whatever the context sent.
 * - FRACTIONAL_MAX_TOTAL_WEIGHT (fractional.ts, 2^31 - 1, flagd's): the largest total of rollout weights
 *   it buckets; validation allows {@link MAX_TOTAL_WEIGHT} (100,000), so definitions moved from flagd
 *   with larger totals still evaluate identically.
 * - MAX_EVALUATION_DEPTH (evaluate.ts, 10): prerequisite chains it follows; validation allows
 *   {@link MAX_PREREQUISITE_DEPTH} (8). A deeper chain or a cycle fails the prerequisite. Within one
 *   evaluation each prerequisite flag is evaluated once (memoised), so shared prerequisites (a diamond)
 *   cost their number of flags, not their number of paths.
 * - MAX_SEGMENT_DEPTH (clauses.ts, 10): segments naming segments (validation refuses any).
 */
export { MAX_KEY_LENGTH };
export const MAX_DESCRIPTION_LENGTH = 1000;
export const MAX_VARIANTS = 100;
export const MAX_VARIANT_NAME_LENGTH = 128;
export const MAX_VARIANT_VALUE_BYTES = 64 * 1024;
export const MAX_NESTING_DEPTH = 32;
export const MAX_ENVIRONMENTS = 100;
export const MAX_PREREQUISITES = 20;
export const MAX_PREREQUISITE_DEPTH = 8;
export const MAX_RULES = 200;
export const MAX_CLAUSES = 50;
export const MAX_CLAUSE_VALUES = 10_000;
export const MAX_TARGET_VALUES = 10_000;
export const MAX_SEGMENT_VALUES = 50_000;
export const MAX_TAGS = 50;
export const MAX_TAG_LENGTH = 64;
export const MAX_STRING_LENGTH = 1024;
export const MAX_REGEX_LENGTH = 1000;
export const MAX_REGEX_PROGRAM_SIZE = 2000;
export const MAX_REGEX_TOTAL_LENGTH = 5000;
export const MAX_DOCUMENT_BYTES = 1024 * 1024;
export const MAX_ISSUES = 100;
/** The longest attribute a `matches` clause reads (the evaluator's limit; see above). */
export const MAX_MATCH_INPUT_LENGTH = 1024;
/** Rollout weights are integers whose total is 1 to this (flagd's fractional v2 resolution). */
export const MAX_TOTAL_WEIGHT = 100_000;

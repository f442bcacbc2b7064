/*
 * The promotion screen's logic, apart from React: what the form asks for, the versions an apply sends
 * back, and where an error of the service belongs on the screen.
 */

/** The form: which environments, and which flags (under a key prefix, or picked one by one). */
export interface PromotionSelection {
  readonly from: string;
  readonly to: string;
  readonly by: 'prefix' | 'flags';
  readonly prefix: string;
  /** The flags ticked in the picker, sorted, once each. */
  readonly keys: readonly string[];
}

/** The `promote` arguments a selection stands for (the preview's, which the apply repeats). */
export interface PromotionRequest {
  readonly from: string;
  readonly to: string;
  readonly flags?: string[];
  readonly prefix?: string;
}

/** A form field a problem is shown beside. */
export type PromotionField = 'from' | 'to' | 'selection';

/** An error of `promote` as the console's ApiError carries it (structurally: see as-of.ts). */
interface PromoteError {
  readonly code: string;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** The request for a selection, or the field that needs something first. */
export function requestOf(
  selection: PromotionSelection,
): { request: PromotionRequest } | { field: PromotionField; problem: string } {
  const { from, to } = selection;
  if (from === '') return { field: 'from', problem: 'Choose the environment to copy from' };
  if (to === '') return { field: 'to', problem: 'Choose the environment to copy to' };
  if (from === to) return { field: 'to', problem: 'Copy to another environment than the source' };
  if (selection.by === 'prefix') return { request: { from, to, prefix: selection.prefix.trim() } };
  if (selection.keys.length === 0) return { field: 'selection', problem: 'Choose at least one flag' };
  return { request: { from, to, flags: [...selection.keys] } };
}

/**
 * What an apply sends back: every previewed flag at the version the preview showed, so a flag changed
 * since (even one the preview found unchanged) refuses the whole promotion instead of being overwritten.
 */
export function expectedVersionsOf(
  flags: readonly { readonly key: string; readonly version: number }[],
): { key: string; version: number }[] {
  return flags.map(({ key, version }) => ({ key, version }));
}

/** A flag changed since the preview: which, the versions, and the flags written before it stopped. */
export interface PromotionConflict {
  readonly key: string;
  readonly expectedVersion: number | undefined;
  readonly currentVersion: number | undefined;
  readonly promoted: readonly string[];
}

const numberOr = (value: unknown) => (typeof value === 'number' ? value : undefined);

/** VERSION_MISMATCH (a flag changed since the preview) as a conflict to show; undefined for other errors. */
export function conflictOf(error: PromoteError): PromotionConflict | undefined {
  if (error.code !== 'VERSION_MISMATCH') return undefined;
  const { key, expectedVersion, currentVersion, promoted } = error.details;
  return {
    key: typeof key === 'string' ? key : '(unnamed)',
    expectedVersion: numberOr(expectedVersion),
    currentVersion: numberOr(currentVersion),
    promoted: Array.isArray(promoted) ? promoted.filter((k): k is string => typeof k === 'string') : [],
  };
}

/** The field an error of the service belongs beside (`details.field`, or what the code names). */
export function fieldOf(error: PromoteError, request: PromotionRequest | undefined): PromotionField {
  const { field, environment } = error.details;
  if (field === 'from' || field === 'to') return field;
  if (error.code === 'ENVIRONMENT_NOT_FOUND') return environment === request?.to ? 'to' : 'from';
  return 'selection';
}

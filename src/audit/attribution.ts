import { hasForbiddenText } from '@flagwire/core';
import { ValidationError } from '../flags/errors.js';

/** The longest comment a write may carry, in characters (UTF-16 code units). */
export const MAX_COMMENT_LENGTH = 500;

/**
 * Who makes a write, and why: every write path takes one, and it is recorded in the write's audit entry.
 * `actor` is the writing token's name (never the token); `comment` the writer's note, or null.
 */
export interface Attribution {
  readonly actor: string;
  readonly comment: string | null;
}

/**
 * The attribution of a write by `actor` with `comment` as the caller sent it (absent, null and '' mean
 * none). VALIDATION_FAILED (field `comment`) for one that is not text, too long, or holds control
 * characters other than tab and newlines, or lone surrogates.
 */
export function attributionOf(actor: string, comment: unknown): Attribution {
  if (comment === undefined || comment === null || comment === '') return { actor, comment: null };
  if (typeof comment !== 'string')
    throw new ValidationError(`'comment' must be a string`, { field: 'comment' });
  if (comment.length > MAX_COMMENT_LENGTH) {
    throw new ValidationError(`'comment' must be at most ${MAX_COMMENT_LENGTH} characters long`, {
      field: 'comment',
    });
  }
  if (hasForbiddenText(comment)) {
    throw new ValidationError(`'comment' must not contain control characters or lone surrogates`, {
      field: 'comment',
    });
  }
  return { actor, comment };
}

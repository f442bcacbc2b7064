import type { Request, Response } from 'express';
import { type Attribution, attributionOf } from '../audit/attribution.js';
import { ValidationError } from '../flags/errors.js';
import { principalOf } from './access.js';

/** The request header carrying a write's comment (see PROTOCOL.md, "Audit history"). */
export const COMMENT_HEADER = 'Flagwire-Comment';

/**
 * The comment of a REST write from its `Flagwire-Comment` header: percent-encoded UTF-8 (RFC 3986),
 * so any text survives HTTP's ASCII-only headers: `Flagwire-Comment: rollback%20%E2%80%94%20INC-42`.
 * Bytes outside printable ASCII must be encoded, and so must a literal '%' (`%25`); a header that
 * breaks either rule is refused (VALIDATION_FAILED) rather than guessed at.
 */
export function commentOf(req: Request): string | undefined {
  const raw = req.headers[COMMENT_HEADER.toLowerCase()];
  if (raw === undefined) return undefined;
  if (Array.isArray(raw) || !/^[\x20-\x7e]*$/.test(raw)) {
    throw new ValidationError(
      `'${COMMENT_HEADER}' must be one header of printable ASCII: percent-encode other characters as UTF-8`,
      { field: 'comment' },
    );
  }
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ValidationError(
      `'${COMMENT_HEADER}' is not valid percent-encoded UTF-8 (write a literal '%' as '%25')`,
      { field: 'comment' },
    );
  }
}

/** Who writes (the token's name, see access.ts) and why (the comment header), for a REST write. */
export function attributionOfRequest(req: Request, res: Response): Attribution {
  return attributionOf(principalOf(res).name, commentOf(req));
}

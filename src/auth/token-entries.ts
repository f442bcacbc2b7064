import { createHash } from 'node:crypto';
import { DEFAULT_ENVIRONMENT, KEY_PATTERN, MAX_KEY_LENGTH } from '@flagwire/core';
import { z } from 'zod';

/*
 * The token variables (ADMIN_TOKENS, CLIENT_TOKENS, and any later kind) share one grammar:
 *
 *   entries   = entry *( "," entry )
 *   entry     = [ label 1*" " ] token
 *   label     = name                      (ADMIN_TOKENS)
 *             | environment | name "@" environment   (tokens bound to an environment)
 *
 * A space is the only separator a token can never contain (tokens are 16 to 512 printable ASCII
 * characters without space or comma, and today's tokens may hold ':', '@' or '=', e.g. base64): so an
 * entry with no space is a bare token exactly as before names existed, and every configuration valid
 * then still means what it meant. A bound entry's label is an environment unless it holds '@', which no
 * environment key can, so `staging <token>` keeps binding an unnamed token to staging.
 */

/** What a token lets its holder do (see access-control.ts). */
export type TokenKind = 'admin' | 'client' | 'frontend';

/** A configured token and the name its holder acts under (the actor of every change it makes). */
export interface NamedToken {
  readonly token: string;
  readonly name: string;
}

/** A token that reads one environment only. */
export interface BoundToken extends NamedToken {
  readonly environment: string;
}

/** Who acts when no token is configured at all (open access, development only). */
export const ANONYMOUS_ACTOR = 'anonymous';

const TOKEN = /^[\x21-\x7e]{16,512}$/;
/** Letters, digits, '.', '_' and '-', starting with a letter or digit: safe in logs, URLs and filters. */
export const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const TOKEN_RULE = 'a token is 16 to 512 printable ASCII characters without spaces or commas';
const NAME_RULE = "a name is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit";

/**
 * The name of a token configured without one: its kind and the first 8 hex digits of its SHA-256, e.g.
 * `admin-3f9a0c1e`. Stable across restarts and instances, and never the secret itself.
 */
export function derivedTokenName(kind: string, token: string): string {
  return `${kind}-${createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 8)}`;
}

/** Splits a variable into trimmed, non-empty entries, each split on runs of spaces. */
function entriesOf(value: string): string[][] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => entry.split(/ +/));
}

/** "entry 2": entries are numbered, never shown (they hold secrets). */
function nth(index: number): string {
  return `entry ${index + 1}`;
}

function checkToken(ctx: z.RefinementCtx, token: string, index: number): boolean {
  if (TOKEN.test(token)) return true;
  ctx.addIssue({ code: 'custom', message: `${nth(index)}: ${TOKEN_RULE}` });
  return false;
}

function checkName(ctx: z.RefinementCtx, name: string, index: number): boolean {
  if (TOKEN_NAME.test(name) && name !== ANONYMOUS_ACTOR) return true;
  ctx.addIssue({
    code: 'custom',
    message: `${nth(index)}: ${name === ANONYMOUS_ACTOR ? `'${ANONYMOUS_ACTOR}' is reserved` : NAME_RULE}`,
  });
  return false;
}

/**
 * ADMIN_TOKENS: `<token>` or `<name> <token>` entries, comma-separated, e.g.
 * `alice 3f9a...,deploy-bot 77c1...`. An entry without a name acts as {@link derivedTokenName}.
 */
export function namedTokenList(kind: TokenKind) {
  return z.string().transform((value, ctx): NamedToken[] => {
    const out: NamedToken[] = [];
    entriesOf(value).forEach((parts, index) => {
      if (parts.length > 2) {
        ctx.addIssue({ code: 'custom', message: `${nth(index)}: write '<token>' or '<name> <token>'` });
        return;
      }
      const token = parts.at(-1) as string;
      const name = parts.length === 2 ? (parts[0] as string) : derivedTokenName(kind, token);
      if (checkToken(ctx, token, index) && checkName(ctx, name, index)) out.push({ token, name });
    });
    return out;
  });
}

/**
 * CLIENT_TOKENS (and any kind bound to one environment): `<token>` (production), `<environment> <token>`
 * or `<name>@<environment> <token>` entries, comma-separated, e.g. `checkout@staging 9e8d...`.
 */
export function boundTokenList(kind: TokenKind) {
  return z.string().transform((value, ctx): BoundToken[] => {
    const out: BoundToken[] = [];
    entriesOf(value).forEach((parts, index) => {
      if (parts.length > 2) {
        ctx.addIssue({
          code: 'custom',
          message: `${nth(index)}: write '<token>', '<environment> <token>' or '<name>@<environment> <token>'`,
        });
        return;
      }
      const token = parts.at(-1) as string;
      const label = parts.length === 2 ? (parts[0] as string) : DEFAULT_ENVIRONMENT;
      const at = label.indexOf('@');
      const environment = at === -1 ? label : label.slice(at + 1);
      const name = at === -1 ? derivedTokenName(kind, token) : label.slice(0, at);
      if (!(environment.length <= MAX_KEY_LENGTH && KEY_PATTERN.test(environment))) {
        ctx.addIssue({
          code: 'custom',
          message: `${nth(index)}: an environment key has letters, digits, '.', '_', '-' or ':' and starts with a letter or digit`,
        });
        return;
      }
      if (checkToken(ctx, token, index) && checkName(ctx, name, index))
        out.push({ token, name, environment });
    });
    return out;
  });
}

/**
 * Refuses a token given twice (it could not mean two things) or a name given to two tokens (the audit
 * history could not tell them apart), across every token variable. Answers the problem, or undefined.
 * Never quotes a token; names are not secret.
 */
export function duplicateTokenProblem(
  lists: ReadonlyArray<readonly [variable: string, tokens: readonly NamedToken[]]>,
): { variable: string; message: string } | undefined {
  const tokens = new Map<string, string>();
  const names = new Map<string, string>();
  for (const [variable, list] of lists) {
    for (const [index, { token, name }] of list.entries()) {
      const where = (seen: string) =>
        seen.startsWith(`${variable} `) ? seen.slice(variable.length + 1) : seen;
      const tokenSeen = tokens.get(token);
      if (tokenSeen)
        return {
          variable,
          message: `${nth(index)} repeats the token of ${where(tokenSeen)}: give each token once`,
        };
      const nameSeen = names.get(name);
      if (nameSeen)
        return {
          variable,
          message: `${nth(index)} is named '${name}' like ${where(nameSeen)}: token names must differ`,
        };
      tokens.set(token, `${variable} ${nth(index)}`);
      names.set(name, `${variable} ${nth(index)}`);
    }
  }
  return undefined;
}

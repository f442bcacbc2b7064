import { KEY_PATTERN, MAX_KEY_LENGTH } from '@flagwire/core';
import { z } from 'zod';
import { AUDIT_ACTIONS, type AuditAction } from '../audit/audit-entry.js';
import type { WebhookEndpoint, WebhookFilter } from './endpoint.js';

/*
 * WEBHOOKS, one line, in the token variables' style (src/auth/token-entries.ts):
 *
 *   entries = entry *( "," entry )
 *   entry   = name 1*" " url 1*" " secret *( 1*" " option )
 *   option  = "prefix=" flag-key-prefix
 *           | "environment=" environment *( "|" environment )
 *           | "actions=" action *( "|" action )
 *           | "from=" ( "now" | "oldest" )
 *
 * e.g. `audit https://hooks.example.com/flagwire 3f9a...e1, slack https://h.example/s 77c1... prefix=checkout. actions=toggle`.
 * The three positional parts cannot be confused: a name is a short word, a URL starts with http(s)://
 * and a secret is 16 or more characters that are not a URL. A URL holding a comma or a space must
 * percent-encode it (%2C, %20).
 */

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SECRET = /^[\x21-\x7e]{16,512}$/;
const NAME_RULE = "a name is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit";
const SECRET_RULE = 'a secret is 16 to 512 printable ASCII characters without spaces or commas';
const SHAPE = "write '<name> <url> <secret> [prefix=…] [environment=a|b] [actions=a|b] [from=now|oldest]'";

/** "entry 2 (audit)": entries are named by position and name, never by URL or secret. */
function where(index: number, name?: string): string {
  return `entry ${index + 1}${name && NAME.test(name) ? ` (${name})` : ''}`;
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function parseOption(
  option: string,
  filter: { -readonly [K in keyof WebhookFilter]: WebhookFilter[K] },
  from: { value: WebhookEndpoint['from'] },
): string | undefined {
  const eq = option.indexOf('=');
  const name = eq === -1 ? option : option.slice(0, eq);
  const value = eq === -1 ? '' : option.slice(eq + 1);
  if (value === '') return `option '${name}' needs a value (${name}=…)`;
  switch (name) {
    case 'prefix':
      if (filter.prefix !== undefined) return "give 'prefix' once";
      filter.prefix = value;
      return undefined;
    case 'environment': {
      const environments = value.split('|');
      const bad = environments.find((e) => !(e.length <= MAX_KEY_LENGTH && KEY_PATTERN.test(e)));
      if (bad !== undefined) return `'${bad}' is not an environment key`;
      filter.environments = [...(filter.environments ?? []), ...environments];
      return undefined;
    }
    case 'actions': {
      const actions = value.split('|');
      const bad = actions.find((a) => !(AUDIT_ACTIONS as readonly string[]).includes(a));
      if (bad !== undefined) return `'${bad}' is not an action (one of ${AUDIT_ACTIONS.join(', ')})`;
      filter.actions = [...(filter.actions ?? []), ...(actions as AuditAction[])];
      return undefined;
    }
    case 'from':
      if (value !== 'now' && value !== 'oldest') return "from= is 'now' or 'oldest'";
      from.value = value;
      return undefined;
    default:
      return `unknown option '${name}' (prefix, environment, actions, from)`;
  }
}

/** One entry, or what is wrong with it (never quoting its URL or secret). */
function parseEntry(
  entry: string,
  taken: ReadonlySet<string>,
): WebhookEndpoint | { problem: string; name?: string } {
  const [name, url, secret, ...options] = entry.split(/ +/);
  if (name === undefined || url === undefined || secret === undefined)
    return name === undefined ? { problem: SHAPE } : { problem: SHAPE, name };
  if (!NAME.test(name)) return { problem: NAME_RULE };
  if (taken.has(name)) return { problem: 'the name is taken by an earlier entry: names must differ', name };
  if (!isHttpUrl(url)) return { problem: 'the URL must start with http:// or https://', name };
  const { username, password } = new URL(url);
  // fetch refuses such URLs outright; a secret path or query serves receivers that want more than the signature.
  if (username || password) return { problem: 'the URL must not hold credentials (user:password@)', name };
  if (!SECRET.test(secret) || isHttpUrl(secret)) return { problem: SECRET_RULE, name };
  const filter: { -readonly [K in keyof WebhookFilter]: WebhookFilter[K] } = {};
  const from = { value: 'now' as WebhookEndpoint['from'] };
  for (const option of options) {
    const problem = parseOption(option, filter, from);
    if (problem) return { problem, name };
  }
  return { name, url, secret, filter, from: from.value };
}

/** WEBHOOKS: the endpoints, validated; every problem names its entry, never quotes a secret or URL. */
export const webhookEndpointList = z.string().transform((value, ctx): WebhookEndpoint[] => {
  const out: WebhookEndpoint[] = [];
  const names = new Set<string>();
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  for (const [index, entry] of entries.entries()) {
    const parsed = parseEntry(entry, names);
    if ('problem' in parsed) {
      ctx.addIssue({ code: 'custom', message: `${where(index, parsed.name)}: ${parsed.problem}` });
      continue;
    }
    names.add(parsed.name);
    out.push(parsed);
  }
  return out;
});

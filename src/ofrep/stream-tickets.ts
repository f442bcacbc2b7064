import { createHmac, timingSafeEqual } from 'node:crypto';

const MAX_ISSUED = 1024;

/** Binds a ticket to this purpose, so no other HMAC of a token (should one appear) can pass for one. */
const PURPOSE = 'flagwire ofrep event stream';

/**
 * Credentials for the OFREP event stream's URL. A browser's EventSource cannot send `Authorization`,
 * so the URL a bulk answer hands out (its `eventStreams`) must carry the credential itself; OFREP says
 * such URLs are sensitive, yet proxies log URLs. A ticket is not the token: it is an HMAC keyed by the
 * token over the environment, so it opens that environment's event stream (which says only "re-fetch")
 * and nothing else, and the token cannot be recovered from it. Every instance configured with the same
 * tokens accepts it; removing the token from the configuration revokes its tickets.
 */
export class StreamTickets {
  /** Each configured token and its ticket key, derived once. */
  private readonly keys: readonly { token: string; key: Buffer }[];
  private readonly keyOf = new Map<string, Buffer>();
  /** Tickets issued, by environment and token: a bulk answer carries one, and HMACs are not free. */
  private readonly issued = new Map<string, string>();

  /** @param tokens every token that may evaluate (admin, client and frontend) */
  constructor(tokens: readonly string[]) {
    this.keys = tokens.map((token) => ({ token, key: ticketKey(token) }));
    for (const { token, key } of this.keys) this.keyOf.set(token, key);
  }

  /** The ticket of `token` (one that authenticated) for `environment`. */
  issue(token: string, environment: string): string {
    const id = `${environment}\u0000${token}`;
    let ticket = this.issued.get(id);
    if (ticket === undefined) {
      ticket = mac(this.keyOf.get(token) ?? ticketKey(token), environment);
      // Configured tokens times environments: few; cleared whole should it ever fill.
      if (this.issued.size >= MAX_ISSUED) this.issued.clear();
      this.issued.set(id, ticket);
    }
    return ticket;
  }

  /**
   * The token whose ticket for `environment` this is, or undefined. Every token is tried, in constant
   * time per token, with no early exit: which one matched does not show in the time taken.
   */
  verify(ticket: string, environment: string): string | undefined {
    const presented = Buffer.from(ticket);
    let match: string | undefined;
    for (const { token, key } of this.keys) {
      const expected = Buffer.from(mac(key, environment));
      if (expected.length === presented.length && timingSafeEqual(expected, presented) && match === undefined)
        match = token;
    }
    return match;
  }
}

function ticketKey(token: string): Buffer {
  return createHmac('sha256', token).update(PURPOSE).digest();
}

function mac(key: Buffer, environment: string): string {
  return createHmac('sha256', key).update(environment).digest('base64url');
}

import { retryAfterMs } from './backoff.js';
import type { WebhookEndpoint } from './endpoint.js';
import type { WebhookEvent } from './event.js';
import { SIGNATURE_HEADER, signatureHeader } from './signature.js';

/** One attempt's outcome. A failure says why in words safe to log (no secret, no body). */
export type AttemptOutcome =
  | { readonly ok: true; readonly status: number }
  | {
      readonly ok: false;
      readonly reason: 'status' | 'timeout' | 'network';
      readonly status?: number;
      readonly detail: string;
      /** The receiver's Retry-After, in ms. */
      readonly retryAfterMs?: number;
    };

const USER_AGENT = 'Flagwire-Webhooks/1';

/**
 * POSTs one event, signed, and says how it went. Only a 2xx counts as delivered: every other status
 * (3xx too: redirects are not followed, they would carry a signed body somewhere unconfigured), a
 * network error and a timeout (the whole exchange, response body included, within `timeoutMs`) are
 * failures the caller retries. `stop` aborts the attempt at shutdown.
 */
export async function sendEvent(
  endpoint: WebhookEndpoint,
  event: WebhookEvent,
  attempt: number,
  timeoutMs: number,
  stop: AbortSignal,
): Promise<AttemptOutcome> {
  const body = JSON.stringify(event);
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([timeout, stop]);
  try {
    const response = await fetch(endpoint.url, {
      method: 'POST',
      redirect: 'manual',
      signal,
      headers: {
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        [SIGNATURE_HEADER]: signatureHeader(endpoint.secret, Math.floor(Date.now() / 1000), body),
        'flagwire-delivery-id': event.id,
        'idempotency-key': event.id,
        'flagwire-event': event.type,
        'flagwire-attempt': String(attempt),
      },
      body,
    });
    // Read to the end (within the timeout) so the connection can be reused; nothing is kept.
    if (response.body) for await (const _ of response.body);
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    const retryAfter = retryAfterMs(response.headers.get('retry-after'));
    return {
      ok: false,
      reason: 'status',
      status: response.status,
      detail: `answered ${response.status}`,
      ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
    };
  } catch (err) {
    if (timeout.aborted) return { ok: false, reason: 'timeout', detail: `no answer within ${timeoutMs} ms` };
    if (stop.aborted) return { ok: false, reason: 'network', detail: 'stopped' };
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { ok: false, reason: 'network', detail: cause?.code ?? cause?.message ?? (err as Error).message };
  }
}

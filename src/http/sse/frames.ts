import type { Flag, FlagChange } from '../../flags/flag.js';

/**
 * The bytes of the `text/event-stream` wire format, built once and shared: a frame is serialised a
 * single time and the same Buffer is written to every connection that should see it.
 *
 * Every `data:` payload is one line of JSON. JSON.stringify escapes CR and LF inside strings, so a
 * payload can never break the event framing.
 */

/** `retry: <ms>`: how long a client waits before reconnecting after the stream ends. */
export function retryFrame(retryMs: number): Buffer {
  return Buffer.from(`retry: ${retryMs}\n\n`);
}

/** A comment line: clients ignore it, but it keeps proxies and NATs from closing an idle stream. */
export const HEARTBEAT_FRAME: Buffer = Buffer.from(': heartbeat\n\n');

/** The full state in scope, sorted by key; `id` is the revision the state is at. */
export function snapshotFrame(revision: number, flags: readonly Flag[]): Buffer {
  return event('snapshot', revision, JSON.stringify({ revision, flags }));
}

/** One change: `event: upsert|delete`, `id: <revision>`, the FlagChange itself as data. */
export function changeFrame(change: FlagChange): Buffer {
  return event(change.kind, change.revision, JSON.stringify(change));
}

function event(name: string, id: number, data: string): Buffer {
  return Buffer.from(`event: ${name}\nid: ${id}\ndata: ${data}\n\n`);
}

import type { FlagChange } from '../../flags/flag.js';
import { type FlagView, flagView, type ReadScope } from '../../flags/flag-view.js';

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
export function snapshotFrame(revision: number, flags: readonly FlagView[]): Buffer {
  return event('snapshot', revision, JSON.stringify({ revision, flags }));
}

/**
 * One change to a flag: `event: upsert|delete`, `id: <revision>`, the change as data with the flag as
 * the scope sees it. Only flag changes are framed here (the caller skips segments and environments).
 */
export function changeFrame(change: FlagChange, scope: ReadScope): Buffer {
  if (change.kind === 'delete') return event('delete', change.revision, JSON.stringify(change));
  const { flag } = change;
  if (flag.kind !== 'flag') throw new Error(`not a flag change: ${change.key}`);
  const data = { kind: change.kind, key: change.key, revision: change.revision, flag: flagView(flag, scope) };
  return event('upsert', change.revision, JSON.stringify(data));
}

function event(name: string, id: number, data: string): Buffer {
  return Buffer.from(`event: ${name}\nid: ${id}\ndata: ${data}\n\n`);
}

import { type FlagChange, kindOfKey } from '../../flags/flag.js';
import { type FlagView, flagView, type ReadScope } from '../../flags/flag-view.js';
import { type SegmentView, segmentKeyOf, segmentView } from '../../flags/segment-view.js';

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

/**
 * The full state in scope: the flags under the prefix and every segment, each sorted by key; `id` is
 * the revision the state is at.
 */
export function snapshotFrame(
  revision: number,
  flags: readonly FlagView[],
  segments: readonly SegmentView[],
): Buffer {
  return event('snapshot', revision, JSON.stringify({ revision, flags, segments }));
}

/**
 * The frame of any streamed change: a flag's (`upsert`/`delete`) or a segment's
 * (`segment-upsert`/`segment-delete`); undefined for changes streams do not carry (environments).
 */
export function streamedChangeFrame(change: FlagChange, scope: ReadScope): Buffer | undefined {
  const kind = kindOfKey(change.key);
  if (kind === 'flag') return changeFrame(change, scope);
  if (kind === 'segment') return segmentChangeFrame(change);
  return undefined;
}

/**
 * One change to a segment: `event: segment-upsert|segment-delete`, `id: <revision>`, data with the
 * segment's own key (not its store key). A client that listens only to `upsert`/`delete` never sees it.
 */
export function segmentChangeFrame(change: FlagChange): Buffer {
  const key = segmentKeyOf(change.key);
  if (change.kind === 'delete') {
    const data = { kind: 'delete', key, revision: change.revision, version: change.version };
    return event('segment-delete', change.revision, JSON.stringify(data));
  }
  const { flag: record } = change;
  if (record.kind !== 'segment') throw new Error(`not a segment change: ${change.key}`);
  const data = { kind: 'upsert', key, revision: change.revision, segment: segmentView(record) };
  return event('segment-upsert', change.revision, JSON.stringify(data));
}

/**
 * One change to a flag: `event: upsert|delete`, `id: <revision>`, the change as data with the flag as
 * the scope sees it.
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

/** Whether a change to `key` concerns a stream of `prefix`: its flags, and every segment. */
export function inScope(key: string, prefix: string): boolean {
  const kind = kindOfKey(key);
  return kind === 'segment' || (kind === 'flag' && key.startsWith(prefix));
}

import { type FlagChange, kindOfKey } from '../../flags/flag.js';
import type { FlagSnapshot } from '../../flags/flag-snapshot.js';
import { flagView, type ReadScope } from '../../flags/flag-view.js';
import { segmentViews } from '../../flags/segment-view.js';
import type { Connection } from './connection.js';
import { changeFrame, HEARTBEAT_FRAME, inScope, segmentChangeFrame, snapshotFrame } from './frames.js';

/** Every connection streaming one prefix in one scope, and their latest snapshot frame. */
interface Group {
  readonly prefix: string;
  readonly scope: ReadScope;
  readonly connections: Set<Connection>;
  /** Reused while the snapshot stays at this revision: a reconnect storm serialises the state once. */
  snapshot: { readonly revision: number; readonly frame: Buffer } | undefined;
}

/**
 * Fans snapshot events out to every open stream. Connections are grouped by read scope and prefix, so
 * a change is matched once per group (not once per connection) and serialised once per scope: the same
 * Buffer is written to every connection of every group of that scope it concerns. One subscription to
 * the snapshot and one heartbeat timer serve all.
 */
export class StreamHub {
  private readonly groups = new Map<string, Group>();
  private count = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly snapshot: FlagSnapshot,
    private readonly heartbeatMs: number,
    /** Told how many connections each change or reset was written to (metrics). */
    private readonly onDelivered: (count: number) => void = () => {},
  ) {
    // In revision order, and only through the revision this instance has seen everything up to: a
    // client resuming from the last id it read then misses nothing and gets nothing twice.
    this.unsubscribe = snapshot.subscribe((event) => {
      if (event.type === 'change') this.fanOutChange(event.change);
      else this.fanOutReset(event.changes);
    }, 'revision');
  }

  get size(): number {
    return this.count;
  }

  add(connection: Connection): void {
    const id = groupId(connection.prefix, connection.scope);
    let group = this.groups.get(id);
    if (!group) {
      group = {
        prefix: connection.prefix,
        scope: connection.scope,
        connections: new Set(),
        snapshot: undefined,
      };
      this.groups.set(id, group);
    }
    if (group.connections.has(connection)) return;
    group.connections.add(connection);
    this.count++;
    // Only while someone listens: an idle instance has no timer firing.
    this.heartbeat ??= setInterval(() => this.beat(), this.heartbeatMs).unref();
  }

  remove(connection: Connection): void {
    const id = groupId(connection.prefix, connection.scope);
    const group = this.groups.get(id);
    if (!group?.connections.delete(connection)) return;
    this.count--;
    if (group.connections.size === 0) this.groups.delete(id);
    if (this.count === 0) this.stopHeartbeat();
  }

  /**
   * `event: snapshot` for the prefix as the scope sees it, at the released revision (the view may hold
   * newer changes too; they follow as events, and clients keep per key the highest revision).
   */
  snapshotFrame(prefix: string, scope: ReadScope): Buffer {
    const revision = this.snapshot.releasedRevision;
    const group = this.groups.get(groupId(prefix, scope));
    if (group?.snapshot?.revision === revision) return group.snapshot.frame;
    const views = this.snapshot.list(prefix).map((flag) => flagView(flag, scope));
    const frame = snapshotFrame(revision, views, segmentViews(this.snapshot));
    if (group) group.snapshot = { revision, frame };
    return frame;
  }

  /** Ends every stream with `lastFrame`, stops the heartbeat and stops listening to the snapshot. */
  close(lastFrame: Buffer): void {
    this.unsubscribe();
    this.stopHeartbeat();
    for (const group of this.groups.values())
      for (const connection of group.connections) connection.end(lastFrame);
    this.groups.clear();
    this.count = 0;
  }

  private fanOutChange(change: FlagChange): void {
    const kind = kindOfKey(change.key);
    if (kind === 'segment') {
      this.fanOutToAll(change, segmentChangeFrame(change));
      return;
    }
    if (kind !== 'flag') return;
    // Usually one scope, sometimes a few: the frame of the first is kept aside, a Map only past it.
    let firstScope: ReadScope | undefined;
    let firstFrame: Buffer | undefined;
    let more: Map<ReadScope, Buffer> | undefined;
    const frameFor = (scope: ReadScope): Buffer => {
      if (firstFrame === undefined || firstScope === scope) {
        firstScope = scope;
        firstFrame ??= changeFrame(change, scope);
        return firstFrame;
      }
      more ??= new Map();
      let frame = more.get(scope);
      if (frame === undefined) {
        frame = changeFrame(change, scope);
        more.set(scope, frame);
      }
      return frame;
    };
    for (const group of this.groups.values()) {
      if (!change.key.startsWith(group.prefix)) continue;
      // Not keyed by revision alone: a late change from another instance can alter the state in scope
      // without raising the snapshot's revision.
      group.snapshot = undefined;
      const frame = frameFor(group.scope);
      for (const connection of group.connections) connection.deliverChange(change.revision, frame);
      this.onDelivered(group.connections.size);
    }
  }

  /** A segment change: every stream hears it (any flag may use any segment), in the same order. */
  private fanOutToAll(change: FlagChange, frame: Buffer): void {
    for (const group of this.groups.values()) {
      group.snapshot = undefined;
      for (const connection of group.connections) connection.deliverChange(change.revision, frame);
      this.onDelivered(group.connections.size);
    }
  }

  /**
   * The whole view was replaced. Groups whose scope the difference touches get a fresh snapshot (built
   * once per group); the others already hold the right state and hear nothing.
   */
  private fanOutReset(changes: readonly FlagChange[]): void {
    for (const group of this.groups.values()) {
      group.snapshot = undefined;
      const { prefix, scope } = group;
      if (!changes.some((change) => inScope(change.key, prefix))) continue;
      const frame = this.snapshotFrame(prefix, scope);
      for (const connection of group.connections) connection.deliverReset(frame);
      this.onDelivered(group.connections.size);
    }
  }

  private beat(): void {
    for (const group of this.groups.values()) {
      for (const connection of group.connections) connection.write(HEARTBEAT_FRAME);
    }
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}

/** A group's key: a scope never holds NUL, so the two parts cannot blur into each other. */
function groupId(prefix: string, scope: ReadScope): string {
  return `${scope}\u0000${prefix}`;
}

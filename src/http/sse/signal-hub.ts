import type { Connection } from './connection.js';
import { HEARTBEAT_FRAME } from './frames.js';

/**
 * Streams that all hear the same thing: a frame broadcast is written, as one shared Buffer, to every
 * open connection (bounded per connection by {@link Connection}), with one heartbeat timer for all,
 * running only while someone listens. For notification streams (OFREP's `refetchEvaluation`), where
 * every listener is told the same thing; the flag streams, which differ by prefix and scope, have
 * their own hub (hub.ts).
 */
export class SignalHub {
  private readonly connections = new Set<Connection>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly heartbeatMs: number,
    /** Told how many connections each broadcast was written to (metrics). */
    private readonly onDelivered: (count: number) => void = () => {},
  ) {}

  get size(): number {
    return this.connections.size;
  }

  add(connection: Connection): void {
    this.connections.add(connection);
    this.heartbeat ??= setInterval(() => this.write(HEARTBEAT_FRAME), this.heartbeatMs).unref();
  }

  remove(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    if (this.connections.size === 0) this.stopHeartbeat();
  }

  /** Writes `frame` to every open connection. */
  broadcast(frame: Buffer): void {
    if (this.connections.size === 0) return;
    this.write(frame);
    this.onDelivered(this.connections.size);
  }

  /** Ends every stream with `lastFrame` (a retry hint) and stops the heartbeat. */
  close(lastFrame: Buffer): void {
    this.stopHeartbeat();
    for (const connection of this.connections) connection.end(lastFrame);
    this.connections.clear();
  }

  private write(frame: Buffer): void {
    for (const connection of this.connections) connection.write(frame);
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}

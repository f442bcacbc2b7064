import { describe, expect, it } from '@jest/globals';
import { type ExecutionResult, GraphQLError } from 'graphql';
import { FlagSnapshot } from '../../src/flags/flag-snapshot.js';
import { SlowConsumerError } from '../../src/graphql/bounded-stream.js';
import { DirectDelivery, type SubscriberSocket } from '../../src/graphql/direct-delivery.js';
import { SubscriptionHub } from '../../src/graphql/subscription-hub.js';
import { aFlag, upsertOf } from '../support/flags.js';

/** An in-memory socket: what was sent, and a settable backlog. */
class RecordingSocket implements SubscriberSocket {
  readonly sent: string[] = [];
  readyState = 1;
  bufferedAmount = 0;
  send(data: string): void {
    this.sent.push(data);
  }
}

const format = (error: GraphQLError) => ({ message: error.message, extensions: { code: 'X' } });

describe('DirectDelivery', () => {
  it('writes each result as a graphql-transport-ws next message for its operation id', () => {
    const socket = new RecordingSocket();
    new DirectDelivery(socket, 'op-1', format).deliver({ data: { flagChanged: { key: 'a' } } });
    expect(socket.sent.map((m) => JSON.parse(m))).toEqual([
      { id: 'op-1', type: 'next', payload: { data: { flagChanged: { key: 'a' } } } },
    ]);
  });

  it('serialises a result shared by many subscribers once', () => {
    let reads = 0;
    const result: ExecutionResult = {
      get data() {
        reads++;
        return { flagChanged: { key: 'a' } };
      },
    };
    const sockets = Array.from({ length: 50 }, () => new RecordingSocket());
    for (const [i, socket] of sockets.entries())
      new DirectDelivery(socket, String(i), format).deliver(result);
    expect(reads).toBe(1);
    expect(JSON.parse(sockets[49]?.sent[0] ?? '')).toEqual({
      id: '49',
      type: 'next',
      payload: { data: { flagChanged: { key: 'a' } } },
    });
  });

  it('formats errors the way the socket transport does', () => {
    const socket = new RecordingSocket();
    new DirectDelivery(socket, '1', format).deliver({ data: null, errors: [new GraphQLError('boom')] });
    expect(JSON.parse(socket.sent[0] ?? '').payload).toEqual({
      data: null,
      errors: [{ message: 'boom', extensions: { code: 'X' } }],
    });
  });

  it('keeps the order of events when an earlier result is still being computed', async () => {
    const socket = new RecordingSocket();
    const delivery = new DirectDelivery(socket, '1', format);
    let finish: (result: ExecutionResult) => void = () => {};
    delivery.deliver(new Promise<ExecutionResult>((resolve) => (finish = resolve)));
    delivery.deliver({ data: { n: 2 } });
    expect(socket.sent).toEqual([]);
    finish({ data: { n: 1 } });
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(socket.sent.map((m) => JSON.parse(m).payload.data.n)).toEqual([1, 2]);
    delivery.deliver({ data: { n: 3 } });
    expect(socket.sent).toHaveLength(3);
  });

  it('writes nothing to a socket that is no longer open', () => {
    const socket = new RecordingSocket();
    socket.readyState = 2;
    new DirectDelivery(socket, '1', format).deliver({ data: {} });
    expect(socket.sent).toEqual([]);
  });

  it('cuts a subscriber off with SLOW_CONSUMER once its socket holds more than the bound, ending its hub stream', async () => {
    const snapshot = new FlagSnapshot();
    const hub = new SubscriptionHub(snapshot);
    const socket = new RecordingSocket();
    const delivery = new DirectDelivery(socket, '1', format, 1000);
    const stream = hub.subscribe('', '*', () => delivery.deliver({ data: { ok: true } }));
    const ended = stream.next();

    snapshot.apply(upsertOf(aFlag('k1', 1)));
    expect(socket.sent).toHaveLength(1);
    socket.bufferedAmount = 1001; // the client stopped reading
    snapshot.apply(upsertOf(aFlag('k2', 2)));

    await expect(ended).rejects.toBeInstanceOf(SlowConsumerError);
    expect(socket.sent).toHaveLength(1);
    expect(hub.subscriberCount).toBe(0);
    hub.close();
  });
});

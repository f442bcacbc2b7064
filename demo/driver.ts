import type { FlagClient } from '@flagwire/client';
import type { Output } from './output.js';

/** One write the driver makes in a tick; it reports what it did (or could not do) itself, and never throws. */
export type Move = () => Promise<void>;

/**
 * `--drive`: every `everyMs`, the next of `moves` in turn (the first at once). One write per tick,
 * whichever kind, so adding a kind of move does not change how often flags change (the polling client
 * still sees 304s between writes). A move still running when the next tick comes makes it skip.
 */
export function startDriver(moves: readonly Move[], everyMs: number): { stop(): void } {
  let turn = 0;
  let busy = false;
  const step = async () => {
    if (busy) return;
    busy = true;
    try {
      await (moves[turn++ % moves.length] as Move)();
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void step(), everyMs);
  void step();
  return { stop: () => clearInterval(timer) };
}

const KEYS = ['new-feature', 'beta.checkout', 'beta.search', 'payment.v2'];

/** The seed's drive: each call flips one flag of a fixed set, in turn, so every client has something to show. */
export function flagToggles(client: FlagClient, out: Output): Move {
  let turn = 0;
  return async () => {
    const key = KEYS[turn++ % KEYS.length] as string;
    try {
      const current = client.getFlag(key);
      const flag = current
        ? await client.admin.toggle(key)
        : (await client.admin.set({ key, isEnabled: true, description: 'changed by the demo driver' })).flag;
      out.line('DRIVER', `set ${key} ${flag.isEnabled ? 'ON' : 'OFF'} (revision ${flag.revision})`);
    } catch (err) {
      out.line('DRIVER', `could not change ${key}: ${(err as Error).message}`);
    }
  };
}

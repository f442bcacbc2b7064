import type { FlagClient } from '@flagwire/client';
import type { Output } from './output.js';

const KEYS = ['new-feature', 'beta.checkout', 'beta.search', 'payment.v2'];

/** `--drive`: flips one flag of a fixed set every `everyMs`, in turn, so every client has something to show. */
export function startDriver(client: FlagClient, everyMs: number, out: Output): { stop(): void } {
  let turn = 0;
  let busy = false;
  const step = async () => {
    if (busy) return;
    busy = true;
    const key = KEYS[turn++ % KEYS.length] as string;
    try {
      const current = client.getFlag(key);
      const flag = current
        ? await client.admin.toggle(key)
        : (await client.admin.set({ key, isEnabled: true, description: 'changed by the demo driver' })).flag;
      out.line('DRIVER', `set ${key} ${flag.isEnabled ? 'ON' : 'OFF'} (revision ${flag.revision})`);
    } catch (err) {
      out.line('DRIVER', `could not change ${key}: ${(err as Error).message}`);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void step(), everyMs);
  void step();
  return { stop: () => clearInterval(timer) };
}

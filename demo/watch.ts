import type { FlagClient } from '@flagwire/client';
import type { Output } from './output.js';

/**
 * Prints what one client sees: readiness, each change with how long after the write it arrived
 * (from the flag's `updatedAt`; same machine, same clock), polls (200 vs 304) and mode switches.
 */
export function watch(label: string, client: FlagClient, out: Output): { summary(): void } {
  let ready = false;
  const delays: number[] = [];
  client.on('ready', ({ source }) => {
    ready = true;
    const flags = client.getAll();
    out.line(
      label,
      `ready via ${source}: ${flags.length} flag(s)${flags.length ? ` — ${flags.map(describe).join(', ')}` : ''}`,
    );
  });
  client.on('change', (change) => {
    if (!ready) return; // the first state is summarised by 'ready'
    if (change.kind === 'delete' || !change.flag) {
      out.line(label, `${change.key} deleted (revision ${change.revision})`);
      return;
    }
    const delay = Date.now() - Date.parse(change.flag.updatedAt);
    delays.push(delay);
    out.line(label, `${describe(change.flag)} (revision ${change.revision}) — ${delay} ms after the write`);
  });
  client.on('poll', ({ status, flags }) => {
    out.line(
      label,
      status === 304 ? '304 Not Modified (no body sent)' : `200 OK, new ETag (${flags} flag(s))`,
    );
  });
  client.on('mode', ({ mode, reason }) =>
    out.line(label, `now using ${mode}${reason ? ` (${reason})` : ''}`),
  );
  client.on('error', (err) => out.line(label, `error ${err.code}: ${err.message}`));
  return {
    summary() {
      const stats = client.stats();
      const mean = delays.length ? Math.round(delays.reduce((a, b) => a + b, 0) / delays.length) : undefined;
      const polls =
        stats.polls200 + stats.polls304 > 0 ? `, polls: ${stats.polls200}x 200, ${stats.polls304}x 304` : '';
      out.line(
        label,
        `summary: ${delays.length} change(s)${mean === undefined ? '' : `, mean ${mean} ms after the write`}${polls}`,
      );
    },
  };
}

function describe(flag: { key: string; isEnabled: boolean }): string {
  return `${flag.key} ${flag.isEnabled ? 'ON' : 'OFF'}`;
}

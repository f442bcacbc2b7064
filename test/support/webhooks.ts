import type { AuditEntryView } from '../../src/audit/audit-view.js';
import { client, sendJson } from './app.js';

export const WEBHOOK_SECRET = 'whsec_test_0123456789abcdef';

/** The env of an app delivering to `url` as endpoint `name`, retrying after a few milliseconds. */
export function webhookEnv(url: string, name = 'audit', options = ''): Record<string, string> {
  return {
    WEBHOOKS: `${name} ${url} ${WEBHOOK_SECRET}${options ? ` ${options}` : ''}`,
    WEBHOOK_RETRY_MIN_MS: '20',
    WEBHOOK_RETRY_MAX_MS: '100',
    WRITE_RATE_BURST: '100000',
    WRITE_RATE_PER_MINUTE: '1000000',
  };
}

/** Every entry the app's history holds, oldest first (GET /audit as NDJSON), and whether it was cut short. */
export async function auditHistory(app: {
  url: string;
}): Promise<{ entries: AuditEntryView[]; truncated: boolean }> {
  const res = await client(app)('/audit?format=ndjson');
  if (res.status !== 200) throw new Error(`GET /audit answered ${res.status}: ${await res.text()}`);
  const lines = (await res.text())
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as AuditEntryView & { truncated?: boolean; error?: unknown });
  if (lines.some((line) => line.error !== undefined)) throw new Error('GET /audit failed mid-way');
  return {
    entries: lines.filter((line) => line.truncated === undefined).reverse(),
    truncated: lines.some((line) => line.truncated === true),
  };
}

/** A seed write: creates or updates `key`; answers its status. */
export async function writeFlag(app: { url: string }, key: string, isEnabled: boolean): Promise<number> {
  const res = await sendJson(app, 'POST', '/feature-flags', {
    key,
    isEnabled,
    description: `now ${isEnabled}`,
  });
  await res.arrayBuffer();
  if (res.status >= 300) throw new Error(`POST ${key} answered ${res.status}`);
  return res.status;
}

/** The value of one series in Prometheus text, e.g. `x_total{endpoint="a"}`; 0 when absent. */
export async function metric(app: { url: string }, series: string): Promise<number> {
  const text = await (await client(app)('/metrics')).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

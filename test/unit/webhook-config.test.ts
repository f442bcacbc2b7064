import { describe, expect, it } from '@jest/globals';
import type { AuditEntry } from '../../src/audit/audit-entry.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { endpointWants } from '../../src/webhooks/endpoint.js';

const SECRET = 'whsec_0123456789abcdef';
const OTHER = 'another-secret-000000001';

describe('WEBHOOKS configuration', () => {
  it('reads "<name> <url> <secret>" entries, comma-separated, with the defaults', () => {
    const config = loadConfig({
      WEBHOOKS: `audit https://hooks.example.com/flagwire ${SECRET},  slack  http://127.0.0.1:9/x?a=b ${OTHER} `,
    });
    expect(config.webhooks).toEqual({
      endpoints: [
        { name: 'audit', url: 'https://hooks.example.com/flagwire', secret: SECRET, filter: {}, from: 'now' },
        { name: 'slack', url: 'http://127.0.0.1:9/x?a=b', secret: OTHER, filter: {}, from: 'now' },
      ],
      timeoutMs: 10_000,
      retryMinMs: 1000,
      retryMaxMs: 300_000,
      leaseMs: 30_000,
    });
    expect(loadConfig({}).webhooks.endpoints).toEqual([]);
  });

  it('reads the filters and where a new endpoint starts', () => {
    const [endpoint] = loadConfig({
      WEBHOOKS: `checkout https://h.example/c ${SECRET} prefix=checkout. environment=production|eu-west actions=toggle|set-rollout from=oldest`,
    }).webhooks.endpoints;
    expect(endpoint).toMatchObject({
      filter: {
        prefix: 'checkout.',
        environments: ['production', 'eu-west'],
        actions: ['toggle', 'set-rollout'],
      },
      from: 'oldest',
    });
  });

  it.each([
    ['a missing secret', 'audit https://h.example/x', /entry 1 \(audit\): write '<name> <url> <secret>/],
    [
      'a URL in the secret place',
      `audit ${SECRET} https://h.example/x`,
      /entry 1 \(audit\): the URL must start/,
    ],
    ['a URL that is not http(s)', `audit ftp://h.example/x ${SECRET}`, /the URL must start with http/],
    ['credentials in the URL', `audit https://u:p@h.example/x ${SECRET}`, /must not hold credentials/],
    ['a short secret', 'audit https://h.example/x short', /a secret is 16 to 512/],
    ['a bad name', `-audit https://h.example/x ${SECRET}`, /entry 1: a name is 1 to 64/],
    [
      'a name given twice',
      `a https://h.example/x ${SECRET}, a https://h.example/y ${OTHER}`,
      /entry 2 \(a\): the name is taken/,
    ],
    ['an unknown option', `a https://h.example/x ${SECRET} prefx=checkout`, /unknown option 'prefx'/],
    ['an unknown action', `a https://h.example/x ${SECRET} actions=toggle|flip`, /'flip' is not an action/],
    ['an option without a value', `a https://h.example/x ${SECRET} prefix=`, /'prefix' needs a value/],
    ['a bad from', `a https://h.example/x ${SECRET} from=yesterday`, /from= is 'now' or 'oldest'/],
  ])('refuses %s, naming the entry and never echoing the value', (_, value, message) => {
    let error: unknown;
    try {
      loadConfig({ WEBHOOKS: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain('WEBHOOKS=<redacted>');
    expect((error as Error).message).not.toContain(SECRET);
    expect((error as Error).message).not.toContain('h.example');
  });

  it('refuses a retry cap below the first retry', () => {
    expect(() => loadConfig({ WEBHOOK_RETRY_MIN_MS: '5000', WEBHOOK_RETRY_MAX_MS: '1000' })).toThrow(
      /WEBHOOK_RETRY_MAX_MS=1000: must be at least WEBHOOK_RETRY_MIN_MS/,
    );
  });
});

describe('endpoint filters', () => {
  const entry = (over: Partial<AuditEntry>): AuditEntry => ({
    revision: 1,
    at: '2024-01-01T00:00:00.000Z',
    actor: 'alice',
    action: 'toggle',
    entity: 'flag',
    key: 'checkout.new',
    environments: ['production'],
    comment: null,
    before: null,
    after: null,
    ...over,
  });

  it('passes every entry with no filter, and only entries meeting every condition with one', () => {
    expect(endpointWants({}, entry({ entity: 'segment', key: 'beta', environments: [] }))).toBe(true);
    const filter = { prefix: 'checkout.', environments: ['production'], actions: ['toggle' as const] };
    expect(endpointWants(filter, entry({}))).toBe(true);
    expect(endpointWants(filter, entry({ key: 'search.x' }))).toBe(false);
    expect(endpointWants(filter, entry({ environments: ['staging'] }))).toBe(false);
    expect(endpointWants(filter, entry({ action: 'delete' }))).toBe(false);
    // A prefix is about flags: a segment with a matching key is left out.
    expect(endpointWants({ prefix: 'checkout.' }, entry({ entity: 'segment' }))).toBe(false);
  });
});

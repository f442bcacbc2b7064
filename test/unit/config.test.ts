import { describe, expect, it } from '@jest/globals';
import { derivedTokenName } from '../../src/auth/token-entries.js';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('config', () => {
  it('runs with no environment at all on the embedded defaults', () => {
    expect(loadConfig({})).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dataDir: './data',
      mongodbUri: undefined,
      logLevel: 'info',
    });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', MONGODB_URI: ' ' })).toMatchObject({ port: 3000, mongodbUri: undefined });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['MONGODB_URI', 'localhost:27017'],
    ['LOG_LEVEL', 'verbose'],
    ['REDIS_URL', 'localhost:6379'],
    ['SSE_HEARTBEAT_MS', '10'],
    ['BODY_LIMIT_BYTES', '-1'],
  ])('refuses a bad %s=%s with a message naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}=`));
  });

  it('refuses to run open in production, and accepts tokens there', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/refusing/);
    expect(loadConfig({ NODE_ENV: 'production', CLIENT_TOKENS: 'c'.repeat(16) })).toMatchObject({
      production: true,
      clientTokens: [
        {
          token: 'c'.repeat(16),
          environment: 'production',
          name: derivedTokenName('client', 'c'.repeat(16)),
        },
      ],
      adminTokens: [],
    });
  });

  it('binds a plain CLIENT_TOKENS entry to production and "<environment> <token>" to that environment', () => {
    // A token cannot hold a space, so the second entry can only be a binding; the ':' in the third is
    // part of its token (tokens may hold any printable character but space and comma).
    const tokens = loadConfig({
      CLIENT_TOKENS: `${'p'.repeat(16)}, staging ${'s'.repeat(16)},qa:${'q'.repeat(16)}`,
    }).clientTokens;
    expect(tokens.map(({ token, environment }) => ({ token, environment }))).toEqual([
      { token: 'p'.repeat(16), environment: 'production' },
      { token: 's'.repeat(16), environment: 'staging' },
      { token: `qa:${'q'.repeat(16)}`, environment: 'production' },
    ]);
  });

  it.each([
    ['three words', `a b ${'t'.repeat(16)}`],
    ['a bad environment key', `-staging ${'t'.repeat(16)}`],
    ['a short bound token', 'staging short-token'],
    ['one token bound to two environments', `staging ${'t'.repeat(16)},qa ${'t'.repeat(16)}`],
  ])('refuses CLIENT_TOKENS with %s, without echoing it', (_what, value) => {
    expect(() => loadConfig({ CLIENT_TOKENS: value })).toThrow(/CLIENT_TOKENS=<redacted>/);
    expect(() => loadConfig({ CLIENT_TOKENS: value })).not.toThrow(/tttt|short-token/);
  });

  it('reads FRONTEND_TOKENS like CLIENT_TOKENS, with their CORS origins, rate and memo; a production service may run with frontend tokens only', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      FRONTEND_TOKENS: `${'f'.repeat(16)}, staging ${'g'.repeat(16)}`,
      FRONTEND_CORS_ORIGINS: 'https://app.example',
      FRONTEND_RATE_PER_MINUTE: '120',
      FRONTEND_RATE_BURST: '10',
      OFREP_MEMO_BYTES: '0',
    });
    expect(config).toMatchObject({
      frontendTokens: [
        { token: 'f'.repeat(16), environment: 'production' },
        { token: 'g'.repeat(16), environment: 'staging' },
      ],
      frontendCorsOrigins: ['https://app.example'],
      frontendRatePerMinute: 120,
      frontendRateBurst: 10,
      ofrepMemoBytes: 0,
    });
    expect(loadConfig({})).toMatchObject({
      frontendTokens: [],
      frontendRatePerMinute: 60_000,
      frontendRateBurst: 6000,
    });
    expect(() => loadConfig({ FRONTEND_TOKENS: 'short' })).toThrow(/FRONTEND_TOKENS=<redacted>/);
    expect(() => loadConfig({ FRONTEND_CORS_ORIGINS: 'https://a.example/path' })).toThrow(
      /FRONTEND_CORS_ORIGINS=/,
    );
  });

  it('refuses a frontend token that is also an admin or client token (it ships in web pages), without echoing it', () => {
    const token = 't'.repeat(16);
    for (const other of [{ ADMIN_TOKENS: token }, { CLIENT_TOKENS: `staging ${token}` }]) {
      expect(() => loadConfig({ ...other, FRONTEND_TOKENS: token })).toThrow(/FRONTEND_TOKENS=<redacted>/);
      expect(() => loadConfig({ ...other, FRONTEND_TOKENS: token })).not.toThrow(/tttt/);
    }
  });

  it('splits token lists, and never echoes a bad token in the error', () => {
    expect(
      loadConfig({ ADMIN_TOKENS: ` ${'a'.repeat(16)} , ${'b'.repeat(20)} ` }).adminTokens.map((t) => t.token),
    ).toEqual(['a'.repeat(16), 'b'.repeat(20)]);
    expect(() => loadConfig({ ADMIN_TOKENS: 'short-secret' })).toThrow(/ADMIN_TOKENS=<redacted>/);
    expect(() => loadConfig({ ADMIN_TOKENS: 'short-secret' })).not.toThrow(/short-secret/);
  });

  it('accepts CORS origins or *, and refuses paths', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, http://localhost:5173' }).corsOrigins).toEqual([
      'https://a.example',
      'http://localhost:5173',
    ]);
    expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://a.example/app' })).toThrow(/CORS_ORIGINS=/);
  });

  it('accepts mongodb and mongodb+srv URIs', () => {
    expect(loadConfig({ MONGODB_URI: 'mongodb://db:27017/flagwire' }).mongodbUri).toBe(
      'mongodb://db:27017/flagwire',
    );
    expect(loadConfig({ MONGODB_URI: 'mongodb+srv://cluster.example/flagwire' }).mongodbUri).toContain(
      '+srv',
    );
  });

  it('bounds the MongoDB store timeout: 5 s by default, 100 ms to 60 s when set', () => {
    expect(loadConfig({}).storeTimeoutMs).toBe(5000);
    expect(loadConfig({ STORE_TIMEOUT_MS: '1500' }).storeTimeoutMs).toBe(1500);
    for (const bad of ['50', '60001', '2.5', 'soon']) {
      expect(() => loadConfig({ STORE_TIMEOUT_MS: bad })).toThrow(/STORE_TIMEOUT_MS=/);
    }
  });

  describe('named tokens', () => {
    const A = 'a'.repeat(16);
    const B = 'b'.repeat(16);
    const C = 'c'.repeat(16);

    it("names an admin token '<name> <token>' and a bound one '<name>@<environment> <token>'", () => {
      const config = loadConfig({
        ADMIN_TOKENS: `alice ${A}, deploy-bot ${B}`,
        CLIENT_TOKENS: `checkout@staging ${C}`,
      });
      expect(config.adminTokens).toEqual([
        { token: A, name: 'alice' },
        { token: B, name: 'deploy-bot' },
      ]);
      expect(config.clientTokens).toEqual([{ token: C, name: 'checkout', environment: 'staging' }]);
    });

    it('gives a token listed without a name a stable name derived from its digest, never the token', () => {
      const config = loadConfig({ ADMIN_TOKENS: A, CLIENT_TOKENS: `staging ${B}` });
      expect(config.adminTokens[0]?.name).toMatch(/^admin-[0-9a-f]{8}$/);
      expect(config.clientTokens[0]?.name).toMatch(/^client-[0-9a-f]{8}$/);
      expect(config.adminTokens[0]?.name).toBe(loadConfig({ ADMIN_TOKENS: A }).adminTokens[0]?.name);
      expect(config.adminTokens[0]?.name).not.toContain('aaaa');
    });

    it.each([
      ['ADMIN_TOKENS', `alice bob ${A}`, /entry 1: write '<token>' or '<name> <token>'/],
      ['ADMIN_TOKENS', `al!ce ${A}`, /entry 1: a name is 1 to 64 letters/],
      ['ADMIN_TOKENS', `${B}, anonymous ${A}`, /entry 2: 'anonymous' is reserved/],
      ['ADMIN_TOKENS', `alice ${A},alice ${B}`, /entry 2 is named 'alice' like entry 1/],
      ['CLIENT_TOKENS', `ci@ ${A}`, /entry 1: an environment key/],
      ['CLIENT_TOKENS', `@staging ${A}`, /entry 1: a name is/],
      [
        'CLIENT_TOKENS',
        `ci@staging ${A} x`,
        /entry 1: write '<token>', '<environment> <token>' or '<name>@<environment> <token>'/,
      ],
      [
        'CLIENT_TOKENS',
        `alice@production ${A}`,
        /CLIENT_TOKENS=<redacted>: entry 1 is named 'alice' like ADMIN_TOKENS entry 1/,
      ],
      [
        'CLIENT_TOKENS',
        `staging ${B}`,
        /CLIENT_TOKENS=<redacted>: entry 1 repeats the token of ADMIN_TOKENS entry 1/,
      ],
    ])('refuses %s=%s, saying which entry and why, without echoing tokens', (name, value, message) => {
      const env = { ADMIN_TOKENS: `alice ${B}`, [name]: value };
      expect(() => loadConfig(env)).toThrow(message);
      expect(() => loadConfig(env)).toThrow(new RegExp(`${name}=<redacted>`));
      expect(() => loadConfig(env)).not.toThrow(/aaaa|bbbb/);
    });
  });

  it('keeps 90 days and 10,000 audit entries by default, and bounds both', () => {
    expect(loadConfig({}).auditRetention).toEqual({ days: 90, count: 10_000 });
    expect(loadConfig({ AUDIT_RETENTION_DAYS: '7', AUDIT_RETENTION_COUNT: '500' }).auditRetention).toEqual({
      days: 7,
      count: 500,
    });
    for (const [name, bad] of [
      ['AUDIT_RETENTION_DAYS', '0'],
      ['AUDIT_RETENTION_DAYS', '1.5'],
      ['AUDIT_RETENTION_COUNT', '0'],
      ['AUDIT_RETENTION_COUNT', 'all'],
    ] as const) {
      expect(() => loadConfig({ [name]: bad })).toThrow(new RegExp(`${name}=`));
    }
  });
});

import { describe, expect, it } from '@jest/globals';
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

  it('accepts mongodb and mongodb+srv URIs', () => {
    expect(loadConfig({ MONGODB_URI: 'mongodb://db:27017/flagwire' }).mongodbUri).toBe(
      'mongodb://db:27017/flagwire',
    );
    expect(loadConfig({ MONGODB_URI: 'mongodb+srv://cluster.example/flagwire' }).mongodbUri).toContain(
      '+srv',
    );
  });
});

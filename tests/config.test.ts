import { ConfigError, loadConfig } from '../lib/config';

const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');

test('local defaults need no environment at all', () => {
  const config = loadConfig({});
  expect(config.env).toBe('development');
  expect(config.database.url).toBe('postgresql://postgres@127.0.0.1:5432/ingest');
  expect(config.temporal).toMatchObject({ address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'ingest' });
  expect(config.api).toEqual({ host: '127.0.0.1', port: 3000 });
  expect(config.retention).toMatchObject({ metricsDays: 730, syncLogDays: 90, notificationDays: 30 });
  expect(config.credentials.currentKeyId).toBe('dev');
});

test('a malformed variable is named, with what was given', () => {
  expect(() => loadConfig({ API_PORT: 'eighty', RETENTION_SYNC_LOG_DAYS: '0' })).toThrow(ConfigError);
  try {
    loadConfig({ API_PORT: 'eighty', RETENTION_SYNC_LOG_DAYS: '0' });
  } catch (err) {
    const message = (err as ConfigError).message;
    expect(message).toMatch(/API_PORT: .*\(got "eighty"\)/);
    expect(message).toMatch(/RETENTION_SYNC_LOG_DAYS: .*\(got "0"\)/);
  }
});

test('production refuses to start without credential keys', () => {
  expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/CREDENTIAL_KEYS: required in production/);
});

test('key ring: several keys, the current one chosen by CREDENTIAL_KEY_CURRENT, bad keys named', () => {
  const config = loadConfig({ CREDENTIAL_KEYS: `v1:${key(1)},v2:${key(2)}`, CREDENTIAL_KEY_CURRENT: 'v1' });
  expect([...config.credentials.keys.keys()]).toEqual(['v1', 'v2']);
  expect(config.credentials.currentKeyId).toBe('v1');
  expect(loadConfig({ CREDENTIAL_KEYS: `v1:${key(1)},v2:${key(2)}` }).credentials.currentKeyId).toBe('v2');
  expect(() => loadConfig({ CREDENTIAL_KEYS: 'v1:c2hvcnQ=' })).toThrow(/key "v1" must decode from base64 to 32 bytes \(got 5\)/);
  expect(() => loadConfig({ CREDENTIAL_KEYS: `v1:${key(1)}`, CREDENTIAL_KEY_CURRENT: 'v9' })).toThrow(/CREDENTIAL_KEY_CURRENT: "v9" is not one of/);
});

test('an empty variable counts as unset', () => {
  expect(loadConfig({ API_PORT: '', TEMPORAL_ADDRESS: '' }).api.port).toBe(3000);
});

import path from 'node:path';
import { ConfigError, loadConfig, repoRoot } from '@secureaccess/server';
import { spawnServer } from '../../helpers/process';

describe('loadConfig', () => {
  test('when nothing is set, then the documented defaults apply and SQLite lives in DATA_DIR under the repository root', () => {
    const config = loadConfig({});

    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      dataDir: path.join(repoRoot, 'data'),
      database: { dialect: 'sqlite', path: path.join(repoRoot, 'data', 'secureaccess.sqlite') },
      logLevel: 'info',
      auth: { accessTokenTtlSeconds: 600, refreshReuseIntervalSeconds: 10 },
      trustProxy: false,
    });
  });

  test('when DATABASE_URL is a mysql URL, then MySQL is used', () => {
    const config = loadConfig({ DATABASE_URL: 'mysql://app:pw@db:3306/secureaccess', TRUST_PROXY: '1' });

    expect(config.database).toEqual({ dialect: 'mysql', url: 'mysql://app:pw@db:3306/secureaccess' });
    expect(config.trustProxy).toBe(1);
  });

  test.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['ACCESS_TOKEN_TTL_SECONDS', '5'],
    ['LOG_LEVEL', 'loud'],
    ['DATABASE_URL', 'postgres://db/x'],
    ['VALIDATE_RESPONSES', 'maybe'],
  ])('when %s=%s, then loading fails with one line naming the variable', (variable, value) => {
    const load = () => loadConfig({ [variable]: value });

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(new RegExp(`^Invalid configuration: ${variable} .*\\(got "${value.replace(/[.]/g, '\\.')}"\\)$`));
  });

  test('when the server process starts with a bad value, then it exits 1 printing one line that names the variable', async () => {
    const server = spawnServer({ PORT: 'eighty', DATA_DIR: '/nonexistent/never-created' });

    const code = await server.exited;

    expect(code).toBe(1);
    expect(server.stderr()).toBe('Invalid configuration: PORT must be a number (got "eighty")\n');
  });
});

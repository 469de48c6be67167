// The server as an operator runs it: a child process running the production build (server/dist).
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrations } from '@secureaccess/server';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { repoRoot, runCli, spawnServer } from '../../helpers/process';

/** The variables that point a server process at this test database. */
function envFor(testDb: TestDatabase, dataDir: string): Record<string, string> {
  if (testDb.dialect === 'mysql') return { DATABASE_URL: testDb.url!, DATA_DIR: dataDir, PORT: '0' };
  // Without DATABASE_URL the server uses DATA_DIR/secureaccess.sqlite, which is the test file.
  return { DATA_DIR: path.dirname(testDb.sqlitePath!), PORT: '0' };
}

describe('server process', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'sa-proc-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  test('when migrations are pending, then the server refuses to start and names the command', async () => {
    const testDb = await createTestDatabase({ migrate: false });
    try {
      const server = spawnServer(envFor(testDb, dataDir));

      const code = await server.exited;

      expect(code).toBe(1);
      expect(server.stderr()).toContain('pending migration');
      expect(server.stderr()).toContain('npm run db:migrate');
      expect(server.stdout()).not.toContain('listening');
    } finally {
      await testDb.drop();
    }
  });

  test.each(['audit-verify', 'cleanup'])(
    'when migrations are pending, then the CLI %s refuses with the command to run instead of a database error',
    async (command) => {
      const testDb = await createTestDatabase({ migrate: false });
      try {
        const result = await runCli(envFor(testDb, dataDir), [command]);

        expect(result.code).toBe(1);
        expect(result.stderr).toContain('pending migration');
        expect(result.stderr).toContain('npm run db:migrate');
        expect(result.stderr).not.toMatch(/no such table|doesn't exist/);
      } finally {
        await testDb.drop();
      }
    },
  );

  test('when `npm run audit:verify` fails, then its own message is what it prints, without package-manager noise', async () => {
    const testDb = await createTestDatabase({ migrate: false });
    try {
      const result = spawnSync('npm', ['run', 'audit:verify'], {
        cwd: repoRoot,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...envFor(testDb, dataDir) },
        encoding: 'utf8',
      });

      expect(result.status).toBe(1);
      expect(result.stderr).toContain('pending migration');
      expect(`${result.stdout}${result.stderr}`).not.toMatch(/ERR_PNPM|ELIFECYCLE|recursive|Command failed/i);
    } finally {
      await testDb.drop();
    }
  });

  test('when the CLI migrates, rolls back one and migrates again, then the server starts', async () => {
    const testDb = await createTestDatabase({ migrate: false });
    try {
      const env = envFor(testDb, dataDir);
      const migrated = await runCli(env, ['migrate']);
      const rolledBack = await runCli(env, ['rollback']);
      const remigrated = await runCli(env, ['migrate']);
      const server = spawnServer(env);
      const url = await server.listening();
      const ready = await fetch(`${url}/readyz`);
      server.child.kill('SIGTERM');

      const last = migrations[migrations.length - 1]!.name;
      expect(migrated).toMatchObject({ code: 0 });
      expect(migrated.stdout.trim().split('\n')).toEqual(migrations.map((m) => `migrated ${m.name}`));
      expect(rolledBack.stdout).toBe(`reverted ${last}\n`);
      expect(remigrated.stdout).toBe(`migrated ${last}\n`);
      expect(ready.status).toBe(200);
      expect(await server.exited).toBe(0);
    } finally {
      await testDb.drop();
    }
  });

  test('when SIGTERM arrives during a request, then that request is answered, new connections are refused and the process exits 0', async () => {
    const testDb = await createTestDatabase();
    try {
      const server = spawnServer(envFor(testDb, dataDir));
      const url = new URL(await server.listening());
      const body = JSON.stringify({ probe: 'in flight' });
      const socket = connect(Number(url.port), url.hostname);
      let response = '';
      socket.on('data', (chunk) => {
        response += chunk.toString();
      });
      const socketClosed = new Promise((resolve) => socket.on('close', resolve));
      await new Promise((resolve) => socket.on('connect', resolve));
      // Headers and half the body: the request is in flight when the signal comes.
      socket.write(
        `POST /api/v1/in-flight HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));

      server.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const lateConnection = await fetch(`${url.origin}/healthz`).then(
        (r) => r.status,
        (error: Error) => error.cause ?? error,
      );
      socket.write(body.slice(5));
      const code = await server.exited;
      await socketClosed;

      expect(response).toMatch(/^HTTP\/1\.1 404 /);
      expect(response).toContain('"code":"not_found"');
      expect(lateConnection).toMatchObject({ code: 'ECONNREFUSED' });
      expect(code).toBe(0);
    } finally {
      await testDb.drop();
    }
  });
});

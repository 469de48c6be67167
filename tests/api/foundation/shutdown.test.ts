// Graceful shutdown of the production process (node server/dist/main.js): SIGTERM or SIGINT, sent
// to the process alone (a container runtime) or to its whole process group (Ctrl-C, systemd's
// default, `kill -- -PGID`), lets a 1 000-account bulk import in flight finish, closes the pool and
// exits 0. A request that outlasts SHUTDOWN_TIMEOUT_SECONDS is cut and the process still exits.
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { makeRegistration } from '../../helpers/auth';
import { spawnServer, type ServerProcess } from '../../helpers/process';
import { newVaultKey, sealAccount } from '../vault/vault-fixtures';

const importSize = 1000;

function envFor(testDb: TestDatabase, dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  const base: Record<string, string> = testDb.dialect === 'mysql' ? { DATABASE_URL: testDb.url!, DATA_DIR: dataDir } : { DATA_DIR: path.dirname(testDb.sqlitePath!) };
  return { ...base, PORT: '0', LOG_LEVEL: 'info', AUTH_RATE_LIMIT_MAX: '1000', ...extra };
}

async function postJson(url: string, body: unknown, token?: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** Sends `body`; resolves `sent` once every byte is written, `answered` with the response. */
function sendInFlight(url: string, body: string, token: string) {
  let markSent!: () => void;
  const sent = new Promise<void>((resolve) => {
    markSent = resolve;
  });
  const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const call = httpRequest(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    call.on('error', reject);
    call.end(body, markSent);
  });
  return { sent, answered };
}

function signal(server: ServerProcess, name: NodeJS.Signals, target: 'process' | 'group'): void {
  if (target === 'group') process.kill(-server.child.pid!, name);
  else server.child.kill(name);
}

describe('graceful shutdown of the production process', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'sa-shutdown-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  test.each([
    ['SIGTERM', 'process'],
    ['SIGTERM', 'group'],
    ['SIGINT', 'process'],
    ['SIGINT', 'group'],
  ] as const)(
    'when %s reaches the %s during a 1 000-account bulk import, then the import completes, new connections are refused and the exit code is 0',
    async (signalName, target) => {
      const testDb = await createTestDatabase();
      const server = spawnServer(envFor(testDb, dataDir), undefined, [], { detached: true });
      try {
        const base = await server.listening();
        const registration = await makeRegistration();
        expect((await postJson(`${base}/api/v1/auth/register`, registration.registerBody)).status).toBe(201);
        const login = await postJson(`${base}/api/v1/auth/login`, { email: registration.email, authHash: registration.authHash });
        expect(login.status).toBe(200);
        const key = newVaultKey(login.body.keys.keyVersion);
        const accounts = await Promise.all(Array.from({ length: importSize }, () => sealAccount(key)));

        const bulk = sendInFlight(`${base}/api/v1/accounts/bulk`, JSON.stringify({ accounts }), login.body.accessToken);
        await bulk.sent;
        signal(server, signalName, target);
        const [answer, code] = await Promise.all([bulk.answered, server.exited]);
        const late = await fetch(`${base}/healthz`).then(
          (response) => response.status,
          (error: Error) => error.cause ?? error,
        );

        expect(answer.status).toBe(201);
        expect(JSON.parse(answer.body).accounts).toHaveLength(importSize);
        expect(await testDb.db.models.StoredAccount.count()).toBe(importSize);
        expect(late).toMatchObject({ code: 'ECONNREFUSED' });
        expect(code).toBe(0);
        // The signal came while the import was being processed: the drain started before it ended.
        const log = server.stdout();
        const drainStarted = log.indexOf('shutting down');
        const importEnded = log.indexOf('"url":"/api/v1/accounts/bulk"');
        expect(drainStarted).toBeGreaterThan(-1);
        expect(importEnded).toBeGreaterThan(drainStarted);
        expect(log).toContain('"msg":"stopped"');
      } finally {
        if (server.child.exitCode === null) server.child.kill('SIGKILL');
        await testDb.drop();
      }
    },
    120_000,
  );

  test('when a request outlasts SHUTDOWN_TIMEOUT_SECONDS, then it is cut and the process still exits 0', async () => {
    const testDb = await createTestDatabase();
    const server = spawnServer(envFor(testDb, dataDir, { SHUTDOWN_TIMEOUT_SECONDS: '1' }), undefined, [], {
      detached: true,
    });
    try {
      const url = new URL(await server.listening());
      const socket = connect(Number(url.port), url.hostname);
      const closed = new Promise((resolve) => socket.on('close', resolve));
      socket.on('error', () => undefined);
      await new Promise((resolve) => socket.on('connect', resolve));
      // Headers and a body that never finishes: a client stuck mid-request.
      socket.write(`POST /api/v1/auth/prelogin HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"em`);
      await new Promise((resolve) => setTimeout(resolve, 200));

      signal(server, 'SIGTERM', 'group');
      const code = await server.exited;
      await closed;

      expect(code).toBe(0);
      expect(server.stdout()).toContain('shutdown timeout');
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
      await testDb.drop();
    }
  }, 60_000);
});

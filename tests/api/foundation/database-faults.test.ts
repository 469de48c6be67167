// A lost database is a 503, fast, and nothing is half-done afterwards. The suite starts a MariaDB
// instance of its own (own datadir, a port the OS says is free, own socket; the shared one on 3306
// is never touched), points the real app at it with short timeouts, and then stops it, freezes it
// (SIGSTOP) and kills it (-9) during a bulk import and during refresh bursts. MariaDB only.
// Every start proves the server answering on the port is this suite's own (its datadir), and a
// freeze waits until the kernel shows every thread stopped: a landing run once met a 200 while
// "frozen", most likely another server on the port (the port was pid % 20 then).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createMigrator, openDatabase, verifyAuditChain, type Database } from '@secureaccess/server';
import { startTestApp, type TestApp } from '../../helpers/app';
import { loginUser, registerUser, type TestUser } from '../../helpers/auth';
import { testDialect, type TestDatabase } from '../../helpers/database';
import { newVaultKey, sealAccount } from '../vault/vault-fixtures';

const mariadbd = '/usr/sbin/mariadbd';
const queryTimeoutMs = 1500;
const connectTimeoutMs = 1000;

/** A loopback port nothing listens on now (the OS picks it; the suite keeps it for every restart). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The process's threads' states as /proc shows them ('T' is stopped by a signal). */
function threadStates(pid: number): string[] {
  return readdirSync(`/proc/${pid}/task`).map((task) => {
    const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  });
}

class PrivateMariaDb {
  // Made by install(), not at construction: the describe block runs (skipped) on SQLite too.
  dir = '';
  port = 0;
  child: ChildProcess | null = null;

  async reservePort(): Promise<number> {
    this.port = await freePort();
    return this.port;
  }

  get socket(): string {
    return path.join(this.dir, 's.sock');
  }

  install(): void {
    this.dir = mkdtempSync(path.join(tmpdir(), 'sa-fault-db-'));
    chmodSync(this.dir, 0o755);
    const result = spawnSync(
      'mariadb-install-db',
      ['--user=mysql', `--datadir=${this.dir}/data`, '--auth-root-authentication-method=normal', '--skip-test-db'],
      { encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`mariadb-install-db failed: ${result.stderr}`);
    spawnSync('chown', ['-R', 'mysql:mysql', this.dir]);
  }

  async start(): Promise<void> {
    this.child = spawn(
      mariadbd,
      [
        '--no-defaults',
        '--user=mysql',
        `--datadir=${this.dir}/data`,
        `--port=${this.port}`,
        `--socket=${this.socket}`,
        '--bind-address=127.0.0.1',
        `--pid-file=${this.dir}/m.pid`,
        '--innodb-buffer-pool-size=32M',
        '--skip-name-resolve',
      ],
      { stdio: 'ignore' },
    );
    const child = this.child;
    for (let i = 0; i < 120; i += 1) {
      if (child.exitCode !== null) throw new Error(`private MariaDB exited (${child.exitCode}) before answering on ${this.port}`);
      const answer = spawnSync('mariadb', ['-h', '127.0.0.1', '-P', String(this.port), '-u', 'root', '-N', '-B', '-e', 'SELECT @@datadir'], {
        encoding: 'utf8',
      });
      if (answer.status === 0) {
        // Whoever answers on the port must be this suite's server, not one a killed run left behind.
        if (path.resolve(answer.stdout.trim()) !== path.resolve(this.dir, 'data')) {
          throw new Error(`port ${this.port} is answered by another MariaDB (datadir ${answer.stdout.trim()})`);
        }
        return;
      }
      await sleep(500);
    }
    throw new Error(`private MariaDB on ${this.port} did not start`);
  }

  /** SIGSTOP, returning once every thread of the server is stopped; SIGCONT at once. */
  async freeze(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.pid === undefined) throw new Error('the private MariaDB is not running');
    child.kill('SIGSTOP');
    for (let i = 0; i < 200; i += 1) {
      if (threadStates(child.pid).every((state) => state === 'T')) return;
      await sleep(10);
    }
    throw new Error(`the private MariaDB did not stop: thread states ${threadStates(child.pid).join('')}`);
  }

  thaw(): void {
    this.child?.kill('SIGCONT');
  }

  async stop(signalName: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGCONT');
    child.kill(signalName);
    await exited;
    this.child = null;
  }

  remove(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// mariadbd runs as the mysql user, so starting a private instance needs root (as CI runs).
const describeOnMysql =
  testDialect() === 'mysql' && process.getuid?.() === 0 && spawnSync('test', ['-x', mariadbd]).status === 0 ? describe : describe.skip;

describeOnMysql('a lost database (private MariaDB instance)', () => {
  const server = new PrivateMariaDb();
  let database: Database;
  let t: TestApp;
  let user: TestUser;
  const name = `sa_fault_${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    const port = await server.reservePort();
    const url = `mysql://root@127.0.0.1:${port}/${name}`;
    server.install();
    await server.start();
    const admin = await openDatabase({ url: `mysql://root@127.0.0.1:${port}/mysql`, poolMax: 1 });
    await admin.sequelize.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.close();
    database = await openDatabase({ url, poolMax: 5, queryTimeoutMs, connectTimeoutMs });
    await createMigrator(database.sequelize).up();
    const testDatabase: TestDatabase = {
      db: database,
      dialect: 'mysql',
      url,
      sqlitePath: undefined,
      name,
      drop: async () => undefined,
    };
    t = await startTestApp({ database: testDatabase, env: { DB_QUERY_TIMEOUT_MS: String(queryTimeoutMs) } });
    user = await registerUser(t);
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await database?.close().catch(() => undefined);
    await server.stop();
    server.remove();
  }, 60_000);

  /** Asks until the API answers 200 again (no restart of anything but the database). */
  async function expectRecovery(call: () => Promise<{ status: number }>): Promise<number> {
    const started = Date.now();
    for (let i = 0; i < 60; i += 1) {
      if ((await call()).status === 200) return Date.now() - started;
      await sleep(500);
    }
    throw new Error('the API did not recover after the database came back');
  }

  async function expectUnavailable(call: () => Promise<{ status: number; headers: Record<string, string>; body: any }>) {
    const started = Date.now();
    const response = await call();
    const elapsedMs = Date.now() - started;
    expect([response.status, response.body?.error?.code, response.headers['retry-after']]).toEqual([503, 'database_unavailable', '5']);
    return elapsedMs;
  }

  test('when the database is stopped, then requests answer 503 database_unavailable with Retry-After, and recover when it is back', async () => {
    const { accessToken } = await loginUser(t, user);
    const me = () => t.api.get('/api/v1/me').set('Authorization', `Bearer ${accessToken}`);
    const login = () => t.api.post('/api/v1/auth/login').send({ email: user.email, authHash: user.authHash });
    await server.stop();

    const meMs = await expectUnavailable(me);
    const loginMs = await expectUnavailable(login);
    const ready = await t.api.get('/readyz');
    await server.start();
    const recoveredMs = await expectRecovery(me);

    expect(ready.status).toBe(503);
    expect((await login()).status).toBe(200);
    process.stdout.write(`fault stop: 503 after ${meMs} ms (/me), ${loginMs} ms (login); recovered ${recoveredMs} ms after restart\n`);
  }, 120_000);

  test('when the database is frozen (SIGSTOP), then requests answer 503 within the timeouts, and recover on SIGCONT', async () => {
    const { accessToken } = await loginUser(t, user);
    const me = () => t.api.get('/api/v1/me').set('Authorization', `Bearer ${accessToken}`);
    await server.freeze();
    try {
      const first = await expectUnavailable(me);
      const second = await expectUnavailable(me);
      process.stdout.write(`fault freeze: 503 after ${first} ms and ${second} ms (query timeout ${queryTimeoutMs} ms, connect ${connectTimeoutMs} ms)\n`);
    } finally {
      server.thaw();
    }
    const recoveredMs = await expectRecovery(me);
    process.stdout.write(`fault freeze: recovered ${recoveredMs} ms after SIGCONT\n`);
  }, 120_000);

  test('when the database is killed (-9) during a 1 000-account bulk import, then afterwards the import is all or nothing and the audit chain verifies', async () => {
    const { accessToken, keys } = await loginUser(t, user);
    const key = newVaultKey(keys.keyVersion);
    const accounts = await Promise.all(Array.from({ length: 1000 }, () => sealAccount(key)));
    const userRow = await database.models.User.findOne({ where: { uuid: user.id } });
    const before = await database.models.StoredAccount.count({ where: { userId: userRow!.id } });

    const pending = t.api.post('/api/v1/accounts/bulk').set('Authorization', `Bearer ${accessToken}`).send({ accounts });
    const answered = pending.then((response) => response);
    await sleep(400);
    await server.stop('SIGKILL');
    const response = await answered;
    await server.start();
    await expectRecovery(() => t.api.get('/healthz'));
    await expectRecovery(() => t.api.get('/readyz'));
    const after = await database.models.StoredAccount.count({ where: { userId: userRow!.id } });
    const audit = await verifyAuditChain(database);

    expect([201, 503]).toContain(response.status);
    // A 503 may hide a COMMIT the database applied before dying; a 201 must have every row.
    expect([0, 1000]).toContain(after - before);
    if (response.status === 201) expect(after - before).toBe(1000);
    expect(audit.ok).toBe(true);
    process.stdout.write(`fault kill -9 during bulk import: answered ${response.status}, ${after - before} of 1000 rows, audit chain ok=${audit.ok}\n`);
  }, 180_000);

  test('when the database is killed (-9) during refresh bursts, then no refresh family has two live tokens and the audit chain verifies', async () => {
    const sessions = await Promise.all(Array.from({ length: 4 }, () => loginUser(t, user)));
    const refresh = (token: string) => t.api.post('/api/v1/auth/refresh').send({ refreshToken: token });

    const calls = sessions.flatMap((session) => Array.from({ length: 10 }, () => refresh(session.refreshToken).then((r) => r)));
    const burst = Promise.all(calls);
    // Kill it once the burst is being served: the first answer has come back.
    await Promise.race([Promise.race(calls), sleep(5000)]);
    await server.stop('SIGKILL');
    const responses = await burst;
    await server.start();
    await expectRecovery(() => t.api.get('/readyz'));

    const families = await database.models.JwtToken.findAll({ where: { tokenType: 'refresh', usedAt: null, revoked: false } });
    const liveByFamily = new Map<string, number>();
    for (const row of families) liveByFamily.set(String(row.familyId), (liveByFamily.get(String(row.familyId)) ?? 0) + 1);
    const audit = await verifyAuditChain(database);

    expect(responses.every((response) => [200, 401, 503].includes(response.status))).toBe(true);
    expect([...liveByFamily.values()].filter((count) => count > 1)).toEqual([]);
    expect(audit.ok).toBe(true);
    const statuses = responses.reduce<Record<number, number>>((counts, r) => ({ ...counts, [r.status]: (counts[r.status] ?? 0) + 1 }), {});
    process.stdout.write(`fault kill -9 during refresh bursts: statuses ${JSON.stringify(statuses)}; families ${liveByFamily.size}, none with two live tokens; audit chain ok=${audit.ok}\n`);
  }, 180_000);
});

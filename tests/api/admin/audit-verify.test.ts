// The tamper-evident audit log from the operator's side: `npm run audit:verify` (server/src/cli.ts
// audit-verify) passes on an untouched log, and names the first broken row when one row is edited
// in the database. On MariaDB, two real API processes writing audit rows at the same time leave
// one valid chain.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { verifyAuditChain } from '@secureaccess/server';
import request from 'supertest';
import { authed, loginUser, registerUser, type TestUser } from '../../helpers/auth';
import { createTestDatabase, testDialect, type TestDatabase } from '../../helpers/database';
import { runCli, spawnServer, type ServerProcess } from '../../helpers/process';
import { sealAccount } from '../vault/vault-fixtures';
import { expectStatus, startVaultWorld, worldEnv, type VaultWorld } from '../vault/vault-world';

/** The variables that point a server process or the CLI at this test database. */
function envFor(testDb: TestDatabase, dataDir: string): Record<string, string> {
  if (testDb.dialect === 'mysql') return { DATABASE_URL: testDb.url!, DATA_DIR: dataDir, PORT: '0' };
  // Without DATABASE_URL the server uses DATA_DIR/secureaccess.sqlite, which is the test file.
  return { DATA_DIR: path.dirname(testDb.sqlitePath!), PORT: '0' };
}

describe('audit:verify', () => {
  let world: VaultWorld;
  let dataDir: string;

  beforeAll(async () => {
    world = await startVaultWorld();
    dataDir = await mkdtemp(path.join(tmpdir(), 'sa-audit-verify-'));
    const member = await world.member('editor', 'Audited');
    for (let i = 0; i < 3; i += 1) {
      expectStatus(await member.api.post('/api/v1/accounts').send(await sealAccount(member.key)), 201);
    }
  });
  afterAll(async () => {
    await world.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('when no row was touched, then the command exits 0 and says how many rows it verified', async () => {
    const rows = await world.t.db.models.AuditLog.count();

    const result = await runCli(envFor(world.t.database, dataDir), ['audit-verify']);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`audit chain intact: ${rows} row(s) verified`);
  });

  test('when one row is edited in the database, then the command exits 1 and names that row', async () => {
    const rows = await world.t.db.models.AuditLog.findAll({ order: [['id', 'ASC']] });
    const victim = rows[Math.floor(rows.length / 2)]!;
    await world.t.db.sequelize.query(`UPDATE audit_log SET success = ${victim.success ? 0 : 1} WHERE id = ${Number(victim.id)}`);

    const result = await runCli(envFor(world.t.database, dataDir), ['audit-verify']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`audit chain BROKEN at audit_log row id ${Number(victim.id)}`);
    expect(result.stderr).toContain('the row was edited');
    expect(await verifyAuditChain(world.t.db)).toMatchObject({ ok: false, brokenAt: Number(victim.id) });
  });
});

if (testDialect() === 'mysql') {
  describe('two API processes (MariaDB)', () => {
    let testDb: TestDatabase;
    let dataDir: string;
    const servers: ServerProcess[] = [];

    beforeAll(async () => {
      testDb = await createTestDatabase();
      dataDir = await mkdtemp(path.join(tmpdir(), 'sa-two-procs-'));
      const env = { ...envFor(testDb, dataDir), ...worldEnv, LOG_LEVEL: 'warn' };
      // One after the other: the first generates the secrets in DATA_DIR, the second reads them.
      for (let i = 0; i < 2; i += 1) {
        const server = spawnServer(env);
        servers.push(server);
        await server.listening();
      }
    }, 120_000);
    afterAll(async () => {
      for (const server of servers) server.child.kill('SIGTERM');
      await Promise.all(servers.map((server) => server.exited));
      await testDb.drop();
      await rm(dataDir, { recursive: true, force: true });
    });

    test('when both processes write audit rows at the same time, then the chain has every row and verifies', async () => {
      const [a, b] = await Promise.all(servers.map((server) => server.listening()));
      const apis = [request(a!), request(b!)];
      const users: TestUser[] = [];
      for (let i = 0; i < 4; i += 1) users.push(await registerUser({ api: apis[i % 2]! }, { firstName: `Proc${i}` }));
      const before = await testDb.db.models.AuditLog.count();

      // Every user logs in on both processes and stores accounts through both at once.
      const perUser = 6;
      await Promise.all(
        users.map(async (user) => {
          const sessions = await Promise.all(apis.map((api) => loginUser({ api }, user)));
          const key = { userKey: user.userKey, keyVersion: user.keyVersion };
          await Promise.all(
            Array.from({ length: perUser }, async (_, i) => {
              const api = authed(apis[i % 2]!, sessions[i % 2]!.accessToken);
              expectStatus(await api.post('/api/v1/accounts').send(await sealAccount(key)), 201);
              expectStatus(await api.get('/api/v1/applications/match?url=https://nothing.example/'), 200);
            }),
          );
        }),
      );

      const after = await testDb.db.models.AuditLog.count();
      // Two logins per user and the creates (a match without matches decides nothing, so writes nothing).
      expect(after - before).toBe(users.length * (2 + perUser));
      expect(await testDb.db.models.AuditLog.count({ where: { action: 'account.create' } })).toBe(users.length * perUser);
      expect(await verifyAuditChain(testDb.db)).toEqual({ ok: true, checked: after });
      const result = await runCli(envFor(testDb, dataDir), ['audit-verify']);
      expect(result.code).toBe(0);
    }, 120_000);
  });
}

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

describe('GET /admin/audit/verify', () => {
  let world: VaultWorld;

  beforeAll(async () => {
    world = await startVaultWorld();
    const member = await world.member('editor', 'Verified');
    for (let i = 0; i < 3; i += 1) {
      expectStatus(await member.api.post('/api/v1/accounts').send(await sealAccount(member.key)), 201);
    }
  });
  afterAll(async () => {
    await world.close();
  });

  test('when no row was touched, then an admin reads "intact" with the number of rows verified', async () => {
    const rows = await world.t.db.models.AuditLog.count();

    const response = await world.admin.api.get('/api/v1/admin/audit/verify');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ verification: { ok: true, checked: rows }, verifiedAt: world.t.clock.now().toISOString() });
    // Verifying writes nothing: the chain is as long as before.
    expect(await world.t.db.models.AuditLog.count()).toBe(rows);
  });

  test('when a row is edited directly in the database, then the answer names that row as the first broken one', async () => {
    const rows = await world.t.db.models.AuditLog.findAll({ order: [['id', 'ASC']] });
    const index = Math.floor(rows.length / 2);
    const victim = rows[index]!;
    const later = rows[index + 1]!;
    // Two edits: the report names the first, and counts the rows before it as verified.
    await world.t.db.sequelize.query(`UPDATE audit_log SET target_id = 'tampered' WHERE id IN (${Number(victim.id)}, ${Number(later.id)})`);

    const response = await world.admin.api.get('/api/v1/admin/audit/verify');

    expect(response.status).toBe(200);
    expect(response.body.verification).toEqual({ ok: false, checked: index, brokenAt: Number(victim.id), problem: 'row_edited' });
    expect(await verifyAuditChain(world.t.db)).toMatchObject({ ok: false, brokenAt: Number(victim.id) });
  });

  test('when a row is deleted from the database, then the row after it is reported as removed or reordered', async () => {
    // A fresh chain of its own: the edited one above stays broken at its first edit.
    const fresh = await startVaultWorld();
    try {
      const member = await fresh.member('editor', 'Pruned');
      expectStatus(await member.api.post('/api/v1/accounts').send(await sealAccount(member.key)), 201);
      const rows = await fresh.t.db.models.AuditLog.findAll({ order: [['id', 'ASC']] });
      const removed = rows[1]!;
      await fresh.t.db.sequelize.query(`DELETE FROM audit_log WHERE id = ${Number(removed.id)}`);

      const response = await fresh.admin.api.get('/api/v1/admin/audit/verify');

      expect(response.status).toBe(200);
      expect(response.body.verification).toEqual({ ok: false, checked: 1, brokenAt: Number(rows[2]!.id), problem: 'row_removed_or_reordered' });
    } finally {
      await fresh.close();
    }
  });

  test('when an editor asks, then 403 and the chain is not walked for them', async () => {
    const editor = await world.member('editor', 'Curious');

    const response = await editor.api.get('/api/v1/admin/audit/verify');

    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('forbidden');
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
              expectStatus(await api.post('/api/v1/applications/match').send({ url: 'https://nothing.example/' }), 200);
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

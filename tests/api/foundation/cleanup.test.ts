import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { purgeExpiredRows } from '@secureaccess/server';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { runCli } from '../../helpers/process';

const minute = 60_000;
const day = 24 * 60 * minute;

describe('cleanup', () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(async () => {
    await testDb.drop();
  });

  test('when expired rows exist next to live ones, then only the expired ones are purged', async () => {
    const { models } = testDb.db;
    const now = new Date('2030-01-01T12:00:00.000Z');
    const user = await models.User.create({
      uuid: '00000000-0000-4000-8000-0000000000c1',
      firstName: 'Grace',
      lastName: 'Hopper',
      email: 'grace@example.test',
      masterPasswordHash: '$argon2id$placeholder',
      kdfSalt: 'c2FsdA==',
      kdfParams: { algorithm: 'pbkdf2-sha256', iterations: 600000 },
    });
    const token = (n: number, expiresAt: Date, extra = {}) =>
      models.JwtToken.create({
        jti: `00000000-0000-4000-8000-00000000010${n}`,
        userId: user.id,
        tokenType: 'refresh',
        tokenHash: String(n).repeat(64),
        issuedAt: new Date(now.getTime() - day),
        expiresAt,
        ...extra,
      });
    await token(1, new Date(now.getTime() - 1)); // expired
    const live = await token(2, new Date(now.getTime() + day), {
      usedAt: new Date(now.getTime() - minute),
      successorCiphertext: 'sealed',
    });
    const fresh = await token(3, new Date(now.getTime() + day), { usedAt: new Date(now.getTime() - 1000), successorCiphertext: 'sealed' });
    await models.JwtBlacklist.bulkCreate([
      { jti: '00000000-0000-4000-8000-000000000201', expiresAt: new Date(now.getTime() - 1) },
      { jti: '00000000-0000-4000-8000-000000000202', expiresAt: new Date(now.getTime() + minute) },
    ]);
    await models.LoginAttempt.bulkCreate([
      { identifier: 'grace@example.test', success: false, attemptedAt: new Date(now.getTime() - 91 * day) },
      { identifier: 'grace@example.test', success: false, attemptedAt: new Date(now.getTime() - 89 * day) },
    ]);
    await models.RateLimit.bulkCreate([
      { bucketKey: 'login:ip:127.0.0.1', windowStart: new Date(now.getTime() - 2 * minute), count: 3, expiresAt: new Date(now.getTime() - minute) },
      { bucketKey: 'login:ip:127.0.0.1', windowStart: now, count: 1, expiresAt: new Date(now.getTime() + minute) },
    ]);

    const result = await purgeExpiredRows(testDb.db, { now, loginAttemptsRetentionDays: 90, refreshReuseIntervalSeconds: 10 });

    expect(result).toEqual({ jwtTokens: 1, jwtBlacklist: 1, loginAttempts: 1, rateLimits: 1, refreshSuccessorsCleared: 1 });
    expect((await models.JwtToken.findAll({ order: [['id', 'ASC']] })).map((t) => [t.id, t.successorCiphertext])).toEqual([
      [live.id, null],
      [fresh.id, 'sealed'], // still inside its reuse interval
    ]);
    expect(await models.JwtBlacklist.count()).toBe(1);
    expect(await models.LoginAttempt.count()).toBe(1);
    expect(await models.RateLimit.count()).toBe(1);
  });
});

describe('CLI', () => {
  test('when `ddl` runs, then it prints the CREATE TABLE of every table', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'sa-ddl-'));
    const fresh = await createTestDatabase({ migrate: false });
    try {
      const env: Record<string, string> =
        fresh.dialect === 'mysql' ? { DATABASE_URL: fresh.url!, DATA_DIR: dataDir } : { DATA_DIR: path.dirname(fresh.sqlitePath!) };

      const { code, stdout } = await runCli(env, ['ddl']);

      expect(code).toBe(0);
      for (const table of ['users', 'stored_accounts', 'audit_log', 'settings']) {
        expect(stdout).toMatch(new RegExp(`CREATE TABLE [\`"]?${table}[\`"]?`));
      }
      if (fresh.dialect === 'mysql') expect(stdout).toContain('COLLATE=utf8mb4_unicode_ci');
    } finally {
      await fresh.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

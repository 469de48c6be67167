import { defaultSettings } from '@secureaccess/migrations';
import { createMigrator, migrations, migrationsTableName, schemaTables } from '@secureaccess/server';
import { createTestDatabase, listTables, type TestDatabase } from '../../helpers/database';

// DESIGN §4 names these tables; §6 adds the rest of schemaTables.
const designTables = [
  'users',
  'encryption_keys',
  'application',
  'stored_accounts',
  'user_sessions',
  'jwt_tokens',
  'jwt_blacklist',
  'audit_log',
  'login_attempts',
  'user_preferences',
  'user_mfa',
  'password_history',
  'settings',
];

describe('migrations', () => {
  let testDb: TestDatabase;

  beforeAll(async () => {
    testDb = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await testDb.drop();
  });

  test('when migrated up, down to nothing and up again, then every table exists and nothing is pending', async () => {
    const migrator = createMigrator(testDb.db.sequelize);

    await migrator.up();
    const afterFirstUp = await listTables(testDb.db);
    await migrator.down({ to: 0 });
    const afterDown = await listTables(testDb.db);
    await migrator.up();
    const afterSecondUp = await listTables(testDb.db);

    expect(afterFirstUp).toEqual(expect.arrayContaining(designTables));
    expect(afterFirstUp).toEqual([...schemaTables, migrationsTableName].sort());
    expect(afterDown).toEqual([migrationsTableName]);
    expect(afterSecondUp).toEqual(afterFirstUp);
    expect(await migrator.pending()).toEqual([]);
    expect((await migrator.executed()).map((m) => m.name)).toEqual(migrations.map((m) => m.name));
  });

  test('when migrated, then the settings defaults are seeded and read back through the model', async () => {
    const rows = await testDb.db.models.Setting.findAll({ order: [['name', 'ASC']] });

    expect(Object.fromEntries(rows.map((row) => [row.name, row.value]))).toEqual(defaultSettings);
  });

  test('when a user is deleted, then their sessions and tokens cascade and their audit rows keep existing without user_id', async () => {
    const { models } = testDb.db;
    const now = new Date();
    const user = await models.User.create({
      uuid: '00000000-0000-4000-8000-000000000001',
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.test',
      masterPasswordHash: '$argon2id$placeholder',
      kdfSalt: 'c2FsdA==',
      kdfParams: { algorithm: 'argon2id', memoryKiB: 65536, iterations: 3, parallelism: 4 },
    });
    const session = await models.UserSession.create({
      uuid: '00000000-0000-4000-8000-000000000002',
      userId: user.id,
      familyId: '00000000-0000-4000-8000-000000000003',
      loginAt: now,
      lastActivityAt: now,
      expiresAt: new Date(now.getTime() + 60_000),
    });
    await models.JwtToken.create({
      jti: '00000000-0000-4000-8000-000000000004',
      userId: user.id,
      sessionId: session.id,
      tokenType: 'refresh',
      tokenHash: 'a'.repeat(64),
      issuedAt: now,
      expiresAt: new Date(now.getTime() + 60_000),
    });
    const audit = await models.AuditLog.create({
      userId: user.id,
      userUuid: user.uuid,
      action: 'auth.login',
      success: true,
      details: { note: 'kept' },
      createdAt: now,
      prevHash: '0'.repeat(64),
      hash: 'b'.repeat(64),
    });

    await user.destroy();

    expect(await models.UserSession.count({ where: { userId: user.id } })).toBe(0);
    expect(await models.JwtToken.count({ where: { userId: user.id } })).toBe(0);
    const keptAudit = await models.AuditLog.findByPk(audit.id);
    expect(keptAudit?.userId).toBeNull();
    expect(keptAudit?.userUuid).toBe(user.uuid);
    expect(keptAudit?.details).toEqual({ note: 'kept' });
  });
});

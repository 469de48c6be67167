import { catalogueRevisionSetting, defaultSettings } from '@secureaccess/migrations';
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

    expect(Object.fromEntries(rows.map((row) => [row.name, row.value]))).toEqual({ ...defaultSettings, [catalogueRevisionSetting]: 1 });
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

describe('the protocol v1.1 migration (url and folder become secret fields)', () => {
  let testDb: TestDatabase;
  const v1Migration = '20251123002100-widen-account-secret-columns';
/** The v1.1 migration itself; later migrations stay out of this test's up/down steps. */
const v11Migration = '20251202000100-encrypt-account-url-and-folder';
  const envelope = JSON.stringify({ v: 1, alg: 'A256GCM', kid: 1, nonce: 'AAAAAAAAAAAAAAAA', ct: '', tag: 'AAAAAAAAAAAAAAAAAAAAAA==' });

  beforeAll(async () => {
    testDb = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await testDb.drop();
  });

  test('when a v1 vault is migrated, then its plaintext waits in legacy columns, down refuses once envelopes exist and otherwise restores v1', async () => {
    const migrator = createMigrator(testDb.db.sequelize);
    const qi = testDb.db.sequelize.getQueryInterface();
    await migrator.up({ to: v1Migration });
    const now = new Date();
    await qi.bulkInsert('users', [
      {
        uuid: '00000000-0000-4000-8000-0000000000a1',
        first_name: 'V',
        last_name: 'One',
        email: 'v1@example.test',
        master_password_hash: '$argon2id$placeholder',
        kdf_salt: 'c2FsdA==',
        kdf_params: JSON.stringify({ algorithm: 'argon2id', memoryKiB: 65536, iterations: 3, parallelism: 4 }),
        created_at: now,
        updated_at: now,
      },
    ]);
    const [[user]] = (await testDb.db.sequelize.query("SELECT id FROM users WHERE email = 'v1@example.test'")) as [{ id: number }[], unknown];
    await qi.bulkInsert('stored_accounts', [
      {
        uuid: '00000000-0000-4000-8000-0000000000b1',
        user_id: user!.id,
        url: 'https://v1.example/login',
        folder: 'Old folder',
        encrypted_username: envelope,
        encrypted_password: envelope,
        revision: 1,
        change_seq: 1,
        created_at: now,
        updated_at: now,
      },
    ]);

    await migrator.up({ to: v11Migration });
    const { StoredAccount } = testDb.db.models;
    // The model has the columns of later migrations too (encrypted_title): read only v1.1's.
    const migrated = await StoredAccount.findOne({
      where: { uuid: '00000000-0000-4000-8000-0000000000b1' },
      attributes: ['id', 'legacyUrl', 'legacyFolder', 'encryptedUrl', 'encryptedFolder'],
    });
    expect(migrated).toMatchObject({ legacyUrl: 'https://v1.example/login', legacyFolder: 'Old folder', encryptedUrl: null, encryptedFolder: null });

    await StoredAccount.update({ encryptedUrl: envelope, legacyUrl: null }, { where: { id: migrated!.id } });
    await expect(migrator.down()).rejects.toThrow(/encrypted url or folder/);
    expect((await migrator.executed()).at(-1)?.name).toBe(v11Migration);

    await StoredAccount.update({ encryptedUrl: null, legacyUrl: 'https://v1.example/login' }, { where: { id: migrated!.id } });
    await migrator.down();
    const [[v1Row]] = (await testDb.db.sequelize.query('SELECT url, folder FROM stored_accounts')) as [Record<string, unknown>[], unknown];
    expect(v1Row).toEqual({ url: 'https://v1.example/login', folder: 'Old folder' });
    await migrator.up();
    expect(await migrator.pending()).toEqual([]);
  });
});

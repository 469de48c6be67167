// The cleanup job's part of the vault (DESIGN §7): trash older than 30 days is removed for good,
// leaving tombstones that delta sync hands to every device. Runs the real runCleanup on a real
// database with a moved clock.
import { randomUUID } from 'node:crypto';
import {
  createAccountService,
  loadConfig,
  runCleanup,
  trashRetentionDays,
  type AccountService,
  type Database,
  type RequestActor,
} from '@secureaccess/server';
import { createTestClock, type TestClock } from '../../helpers/app';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { newVaultKey, sealAccount } from './vault-fixtures';

const msPerDay = 24 * 60 * 60 * 1000;

let testDb: TestDatabase;
let db: Database;
let clock: TestClock;
let accounts: AccountService;

async function insertUser(): Promise<RequestActor> {
  const uuid = randomUUID();
  const user = await db.models.User.create({
    uuid,
    firstName: 'Vault',
    lastName: 'Owner',
    email: `${uuid}@example.com`,
    masterPasswordHash: 'not-used-here',
    kdfSalt: 'not-used-here',
    kdfParams: { algorithm: 'argon2id' },
    role: 'editor',
  });
  // What the authenticator would establish for this user (tokenId: no access token was issued).
  const principal = {
    userId: Number(user.id),
    userUuid: uuid,
    role: 'editor' as const,
    sessionId: 0,
    jti: 'test',
    tokenId: 0,
    user: {
      id: Number(user.id),
      uuid,
      email: user.email,
      firstName: user.firstName,
      lastName: user.lastName,
      role: 'editor' as const,
      status: 'active' as const,
      createdAt: user.createdAt,
      lastLoginAt: null,
      lastLoginIp: null,
      passwordChangedAt: null,
      failedLoginAttempts: 0,
      mfaEnabled: false,
    },
  };
  return { principal, ip: '203.0.113.9', userAgent: 'jest' };
}

const cleanup = () =>
  runCleanup({ db, config: loadConfig({ CLEANUP_INTERVAL_SECONDS: '0' }), clock: () => clock.now() });

beforeEach(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
  clock = createTestClock(new Date('2026-01-01T00:00:00.000Z'));
  accounts = createAccountService({ db, clock: () => clock.now() });
});
afterEach(async () => {
  await testDb.drop();
});

describe('trash purge', () => {
  test('when an account has been in the trash for more than 30 days, then the cleanup removes it and delta sync reports a tombstone', async () => {
    const owner = await insertUser();
    const key = newVaultKey();
    const old = await accounts.create(owner, await sealAccount(key));
    const kept = await accounts.create(owner, await sealAccount(key));
    await accounts.remove(owner, old.uuid, false);
    const { cursor } = (await accounts.list(owner, undefined)).parse();
    clock.advance(trashRetentionDays * msPerDay - 1000);
    await accounts.remove(owner, kept.uuid, false); // trashed later: not yet due
    clock.advance(2000);

    const result = await cleanup();

    expect(result.trashedAccountsPurged).toBe(1);
    const rows = await db.models.StoredAccount.findAll({ where: { userId: owner.principal.userId } });
    expect(rows.map((row) => row.uuid)).toEqual([kept.uuid]);
    const tombstones = await db.models.StoredAccountTombstone.findAll({ where: { userId: owner.principal.userId } });
    expect(tombstones.map((t) => t.uuid)).toEqual([old.uuid]);
    const delta = (await accounts.list(owner, cursor)).parse();
    expect(delta.tombstones).toEqual([{ uuid: old.uuid, removedAt: clock.now().toISOString() }]);
    expect(delta.accounts.map((a) => a.uuid)).toEqual([kept.uuid]);
    const audit = await db.models.AuditLog.findOne({ where: { action: 'account.trash_purged' } });
    expect(audit?.targetId).toBe(owner.principal.userUuid);
    expect(audit?.details).toMatchObject({ count: 1, uuids: [old.uuid], retentionDays: 30 });
  });

  test('when a trashed account is restored before 30 days, then the cleanup leaves it alone', async () => {
    const owner = await insertUser();
    const account = await accounts.create(owner, await sealAccount(newVaultKey()));
    await accounts.remove(owner, account.uuid, false);
    clock.advance(10 * msPerDay);
    await accounts.restore(owner, account.uuid);
    clock.advance(40 * msPerDay);

    const result = await cleanup();

    expect(result.trashedAccountsPurged).toBe(0);
    const row = await db.models.StoredAccount.findOne({ where: { uuid: account.uuid } });
    expect(row?.deletedAt).toBeNull();
    expect(await db.models.StoredAccountTombstone.count()).toBe(0);
  });

  test('when several users have old trash, then each vault gets its own tombstones and change sequence', async () => {
    const alice = await insertUser();
    const bob = await insertUser();
    const a = await accounts.create(alice, await sealAccount(newVaultKey()));
    const b = await accounts.create(bob, await sealAccount(newVaultKey()));
    await accounts.remove(alice, a.uuid, false);
    await accounts.remove(bob, b.uuid, false);
    const aliceCursor = (await accounts.list(alice, undefined)).parse().cursor;
    const bobCursor = (await accounts.list(bob, undefined)).parse().cursor;
    clock.advance(31 * msPerDay);

    await cleanup();

    expect((await accounts.list(alice, aliceCursor)).parse().tombstones.map((t) => t.uuid)).toEqual([a.uuid]);
    expect((await accounts.list(bob, bobCursor)).parse().tombstones.map((t) => t.uuid)).toEqual([b.uuid]);
    expect(await db.models.StoredAccount.count()).toBe(0);
  });
});

import { appendAudit, openDatabase, verifyAuditChain, type Database } from '@secureaccess/server';
import { createTestDatabase, testDialect, type TestDatabase } from '../../helpers/database';

let testDb: TestDatabase;
let db: Database;

beforeEach(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
});
afterEach(async () => {
  await testDb.drop();
});

async function appendSome(count: number, target: Database = db, prefix = 'test_event') {
  for (let i = 0; i < count; i += 1) {
    await appendAudit(target, {
      action: `${prefix}_${i}`,
      success: i % 2 === 0,
      userUuid: '0b8f7d2e-9f4c-4d0e-8a47-3f1f6f1c2a10',
      ip: '203.0.113.7',
      userAgent: 'jest',
      details: { n: i, nested: { b: 2, a: [1, 'x'] } },
    });
  }
}

async function rowIds(): Promise<number[]> {
  const rows = await db.models.AuditLog.findAll({ order: [['id', 'ASC']], attributes: ['id'] });
  return rows.map((row) => Number(row.id));
}

describe('audit chain', () => {
  test('when rows are appended, then each links to the previous hash and the chain verifies', async () => {
    await appendSome(5);

    const rows = await db.models.AuditLog.findAll({ order: [['id', 'ASC']] });
    expect(rows).toHaveLength(5);
    expect(rows[0]!.prevHash).toBe('0'.repeat(64));
    for (let i = 1; i < rows.length; i += 1) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, checked: 5 });
  });

  test('when the chain is empty, then it verifies', async () => {
    expect(await verifyAuditChain(db)).toEqual({ ok: true, checked: 0 });
  });

  test('when one row is edited in the database, then verification fails and names that row', async () => {
    await appendSome(5);
    const ids = await rowIds();
    await db.sequelize.query(`UPDATE audit_log SET success = 1 WHERE id = ${ids[3]}`);

    const result = await verifyAuditChain(db);

    expect(result).toMatchObject({ ok: false, brokenAt: ids[3], checked: 3 });
  });

  test('when a row\'s details are edited, then verification fails at that row', async () => {
    await appendSome(3);
    const ids = await rowIds();
    await db.sequelize.query(`UPDATE audit_log SET details = '{"n":99}' WHERE id = ${ids[1]}`);

    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: ids[1] });
  });

  test('when a middle row is deleted, then verification fails at the row after it', async () => {
    await appendSome(4);
    const ids = await rowIds();
    await db.sequelize.query(`DELETE FROM audit_log WHERE id = ${ids[1]}`);

    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: ids[2] });
  });

  test('when the last rows are deleted, then verification fails because the head points past them', async () => {
    await appendSome(4);
    const ids = await rowIds();
    await db.sequelize.query(`DELETE FROM audit_log WHERE id = ${ids[3]}`);

    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: null });
  });

  test('when the audited change rolls back, then its audit row rolls back with it and the chain stays valid', async () => {
    await appendSome(1);
    await expect(
      db.transaction(async (transaction) => {
        await appendAudit(db, { action: 'doomed', success: true }, { transaction });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await appendSome(1, db, 'after');

    expect(await verifyAuditChain(db)).toEqual({ ok: true, checked: 2 });
  });

  test('when two independent connection pools (two API processes) append at once, then the chain never forks', async () => {
    const second =
      testDb.dialect === 'mysql'
        ? await openDatabase({ url: testDb.url, poolMax: 5 })
        : await openDatabase({ sqlitePath: testDb.sqlitePath });
    try {
      await Promise.all([
        Promise.all(Array.from({ length: 4 }, (_, i) => appendSome(5, db, `a${i}`))),
        Promise.all(Array.from({ length: 4 }, (_, i) => appendSome(5, second, `b${i}`))),
      ]);
    } finally {
      await second.close();
    }

    expect(await verifyAuditChain(db)).toEqual({ ok: true, checked: 40 });
  });

  if (testDialect() === 'mysql') {
    test('when one transaction holds another user\'s row while auditing for a user whose own audited transaction runs, then neither deadlocks', async () => {
      const makeUser = (n: number) =>
        db.models.User.create({
          uuid: `00000000-0000-4000-8000-00000000000${n}`,
          firstName: 'T',
          lastName: String(n),
          email: `user${n}@example.test`,
          masterPasswordHash: 'not-a-real-hash',
          kdfSalt: 'c2FsdA==',
          kdfParams: { algorithm: 'pbkdf2-sha256', iterations: 600_000 },
        });
      const admin = await makeUser(1);
      const target = await makeUser(2);
      const lockRow = (userId: number, transaction: Parameters<Parameters<Database['transaction']>[0]>[0]) =>
        db.models.User.findByPk(userId, { attributes: ['id'], transaction, lock: transaction.LOCK.UPDATE });
      // The admin edits the target (locks the target's row, audits as the admin) while the admin's
      // own audited action (locks the admin's row, audits as the admin) runs at the same time.
      const adminEditsTarget = () =>
        db.transaction(async (transaction) => {
          await lockRow(target.id, transaction);
          await new Promise((resolve) => setTimeout(resolve, 5));
          await appendAudit(db, { action: 'admin.user_updated', success: true, userId: admin.id }, { transaction });
        });
      const adminLogsIn = () =>
        db.transaction(async (transaction) => {
          await lockRow(admin.id, transaction);
          await new Promise((resolve) => setTimeout(resolve, 5));
          await appendAudit(db, { action: 'auth.login', success: true, userId: admin.id }, { transaction });
        });

      const rounds = Array.from({ length: 10 }, () => Promise.all([adminEditsTarget(), adminLogsIn()]));
      await Promise.all(rounds);

      expect(await verifyAuditChain(db)).toEqual({ ok: true, checked: 20 });
    });
  }
});

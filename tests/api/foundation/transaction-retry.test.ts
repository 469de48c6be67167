// db.transaction re-runs a transaction that MySQL rolled back as a deadlock victim (on Galera, a
// certification conflict fails the commit the same way; tests/cluster covers that engine), so the
// caller never sees the error. SQLite runs one transaction at a time and cannot deadlock.
import { openDatabase, type Database, type TransactionRetry } from '@secureaccess/server';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

const mysqlOnly = process.env.TEST_DB === 'mysql' ? describe : describe.skip;

mysqlOnly('transactions rolled back by the database', () => {
  let t: TestDatabase;
  let db: Database;
  const retries: TransactionRetry[] = [];

  beforeAll(async () => {
    t = await createTestDatabase({ migrate: false });
    db = await openDatabase({ url: t.url!, poolMax: 4, onTransactionRetry: (retry) => retries.push(retry) });
    await db.sequelize.query('CREATE TABLE pair (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB');
  });
  afterAll(async () => {
    await db.close();
    await t.drop();
  });
  beforeEach(async () => {
    retries.length = 0;
    await db.sequelize.query('DELETE FROM pair');
    await db.sequelize.query('INSERT INTO pair VALUES (1, 0), (2, 0)');
  });

  function barrier() {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return { open, opened };
  }

  test('when two transactions deadlock, then the victim runs again and both changes commit', async () => {
    const firstHoldsRow1 = barrier();
    const secondHoldsRow2 = barrier();
    const increment = (id: number, transaction: unknown) =>
      db.sequelize.query('UPDATE pair SET v = v + 1 WHERE id = ?', { replacements: [id], transaction: transaction as never });

    // Opposite lock orders, each waiting until the other holds its first row: InnoDB must pick a
    // victim. On the re-run the barriers are already open, so the victim simply goes through.
    const first = db.transaction(async (transaction) => {
      await increment(1, transaction);
      firstHoldsRow1.open();
      await secondHoldsRow2.opened;
      await increment(2, transaction);
      return 'first';
    });
    const second = db.transaction(async (transaction) => {
      await firstHoldsRow1.opened;
      await increment(2, transaction);
      secondHoldsRow2.open();
      await increment(1, transaction);
      return 'second';
    });

    await expect(Promise.all([first, second])).resolves.toEqual(['first', 'second']);
    expect(retries).toEqual([{ attempt: 1, code: 'ER_LOCK_DEADLOCK' }]);
    const [rows] = await db.sequelize.query('SELECT id, v FROM pair ORDER BY id');
    expect(rows).toEqual([
      { id: 1, v: 2 },
      { id: 2, v: 2 },
    ]);
  });

  test('when a transaction fails for any other reason, then it is not run again', async () => {
    let runs = 0;
    await expect(
      db.transaction(async (transaction) => {
        runs += 1;
        await db.sequelize.query('INSERT INTO pair VALUES (1, 5)', { transaction });
      }),
    ).rejects.toThrow();
    expect(runs).toBe(1);
    expect(retries).toEqual([]);
  });

  test('when every run is rolled back, then the error reaches the caller after the configured attempts', async () => {
    const limited = await openDatabase({ url: t.url!, poolMax: 1, transactionAttempts: 3, onTransactionRetry: (retry) => retries.push(retry) });
    let runs = 0;
    try {
      await expect(
        limited.transaction(async () => {
          runs += 1;
          // What mysql2 rejects with when InnoDB picks this transaction as the victim.
          throw Object.assign(new Error('Deadlock found when trying to get lock'), { parent: { code: 'ER_LOCK_DEADLOCK' } });
        }),
      ).rejects.toThrow('Deadlock');
    } finally {
      await limited.close();
    }
    expect(runs).toBe(3);
    expect(retries.map((retry) => retry.attempt)).toEqual([1, 2]);
  });
});

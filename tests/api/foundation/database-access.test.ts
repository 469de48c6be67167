// DESIGN §3: the documented SQL script gives the API a user with row access only, and the
// migrations a user with DDL. Run against MariaDB with unique names, dropped afterwards.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createMigrator, openDatabase, schemaTables, type Database } from '@secureaccess/server';
import { createTestDatabase, listTables, mysqlUrlFor, testDialect, uniqueName, withMysqlAdmin } from '../../helpers/database';

const scriptPath = path.join(__dirname, '..', '..', '..', 'migrations', 'sql', 'create-database.sql');

/** The script's statements with the database, user names and passwords swapped for this run's. */
function scriptFor(names: { database: string; migrateUser: string; appUser: string; backupUser: string; password: string }): string[] {
  return readFileSync(scriptPath, 'utf8')
    .replace(/--.*$/gm, '')
    .replaceAll('secureaccess_migrate', names.migrateUser)
    .replaceAll('secureaccess_app', names.appUser)
    .replaceAll('secureaccess_backup', names.backupUser)
    .replaceAll('`secureaccess`', `\`${names.database}\``)
    .replace(/CHANGE-ME-[a-z-]+/g, names.password)
    .split(';')
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}

if (testDialect() === 'mysql') {
  describe('create-database.sql on MariaDB', () => {
    const names = {
      database: uniqueName('sa_dba'),
      migrateUser: uniqueName('sa_m'),
      appUser: uniqueName('sa_a'),
      backupUser: uniqueName('sa_b'),
      password: `pw-${uniqueName('x')}`,
    };
    let asApp: Database | undefined;

    beforeAll(async () => {
      await withMysqlAdmin(async (admin) => {
        for (const statement of scriptFor(names)) await admin.sequelize.query(statement);
      });
      const asMigrate = await openDatabase({ url: mysqlUrlFor(names.database, { user: names.migrateUser, password: names.password }) });
      try {
        await createMigrator(asMigrate.sequelize).up();
      } finally {
        await asMigrate.close();
      }
      asApp = await openDatabase({ url: mysqlUrlFor(names.database, { user: names.appUser, password: names.password }) });
    });
    afterAll(async () => {
      await asApp?.close();
      await withMysqlAdmin(async (admin) => {
        await admin.sequelize.query(`DROP DATABASE IF EXISTS \`${names.database}\``);
        await admin.sequelize.query(
          `DROP USER IF EXISTS '${names.migrateUser}'@'%', '${names.appUser}'@'%', '${names.backupUser}'@'%'`,
        );
      });
    });

    test('when the migrate user runs the migrations, then every table exists', async () => {
      expect(await listTables(asApp!)).toEqual(expect.arrayContaining([...schemaTables]));
    });

    test('when the app user reads and writes rows, then it may', async () => {
      const { Setting } = asApp!.models;
      await Setting.create({ name: 'probe', value: { ok: true } });
      await Setting.update({ value: { ok: false } }, { where: { name: 'probe' } });
      const row = await Setting.findByPk('probe');
      await Setting.destroy({ where: { name: 'probe' } });

      expect(row?.value).toEqual({ ok: false });
    });

    test('when the backup user runs the documented mysqldump, then it dumps every table and may not write', async () => {
      const admin = new URL(mysqlUrlFor(names.database));
      const dump = spawnSync(
        'mysqldump',
        ['--single-transaction', '--no-tablespaces', '-h', admin.hostname, '-P', admin.port || '3306', '-u', names.backupUser, names.database],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, MYSQL_PWD: names.password } },
      );
      const asBackup = await openDatabase({ url: mysqlUrlFor(names.database, { user: names.backupUser, password: names.password }) });
      try {
        await expect(asBackup.sequelize.query("INSERT INTO `settings` (name, value) VALUES ('x', '1')")).rejects.toThrow(/denied/i);
      } finally {
        await asBackup.close();
      }

      expect({ status: dump.status, stderr: dump.stderr }).toEqual({ status: 0, stderr: expect.not.stringMatching(/error/i) });
      for (const table of schemaTables) expect(dump.stdout).toContain(`CREATE TABLE \`${table}\``);
    });

    test('when the app user tries to drop or create a table, then the server refuses', async () => {
      await expect(asApp!.sequelize.query('DROP TABLE `settings`')).rejects.toThrow(/denied/i);
      await expect(asApp!.sequelize.query('CREATE TABLE `intruder` (id INT)')).rejects.toThrow(/denied/i);
      await expect(asApp!.sequelize.query('ALTER TABLE `users` ADD COLUMN x INT')).rejects.toThrow(/denied/i);
      expect(await listTables(asApp!)).toContain('settings');
    });
  });
}

describe('database handle', () => {
  test('when two transactions start at once, then both commit (serialised on SQLite, concurrent on MySQL)', async () => {
    const testDb = await createTestDatabase();
    try {
      const { db } = testDb;
      const seeded = await db.models.Setting.count(); // the defaults the migrations insert
      const write = (name: string) =>
        db.transaction(async (transaction) => {
          await db.models.Setting.create({ name, value: name }, { transaction });
          await new Promise((resolve) => setTimeout(resolve, 20));
          return db.models.Setting.count({ transaction });
        });

      const counts = await Promise.all([write('first'), write('second'), write('third')]);

      expect(counts).toHaveLength(3);
      expect(await db.models.Setting.count()).toBe(seeded + 3);
    } finally {
      await testDb.drop();
    }
  });
});

// A fresh, migrated database per test file (DESIGN §3: the suites run against SQLite and MariaDB).
// TEST_DB=sqlite (default): a temp file. TEST_DB=mysql: a uniquely named database on the MariaDB
// at TEST_MYSQL_URL (default root@127.0.0.1:3306), dropped again by `drop()`.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createMigrator, openDatabase, type Database, type Dialect } from '@secureaccess/server';

export interface TestDatabase {
  db: Database;
  dialect: Dialect;
  /** mysql: the URL of the test database (root credentials); sqlite: undefined. */
  url: string | undefined;
  /** sqlite: the database file; mysql: undefined. */
  sqlitePath: string | undefined;
  /** mysql: the database name; sqlite: the temp directory holding the file. */
  name: string;
  /** Closes the handle and removes the database (idempotent). */
  drop(): Promise<void>;
}

export function testDialect(): Dialect {
  const value = process.env.TEST_DB ?? 'sqlite';
  if (value !== 'sqlite' && value !== 'mysql') throw new Error(`TEST_DB must be sqlite or mysql, got "${value}"`);
  return value;
}

export function mysqlAdminUrl(): string {
  return process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/';
}

/** `mysql://user:pass@host:port/<database>` with the admin URL's host and port. */
export function mysqlUrlFor(database: string, credentials?: { user: string; password: string }): string {
  const url = new URL(mysqlAdminUrl());
  url.pathname = `/${database}`;
  if (credentials) {
    url.username = encodeURIComponent(credentials.user);
    url.password = encodeURIComponent(credentials.password);
  }
  return url.toString();
}

/** Runs `work` with a root connection to the MariaDB server (no database selected). */
export async function withMysqlAdmin<T>(work: (admin: Database) => Promise<T>): Promise<T> {
  const admin = await openDatabase({ url: mysqlAdminUrl(), poolMax: 1 });
  try {
    return await work(admin);
  } finally {
    await admin.close();
  }
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const migrate = options.migrate ?? true;
  const dialect = testDialect();
  let testDatabase: TestDatabase;
  if (dialect === 'mysql') {
    const name = uniqueName('sa_test');
    await withMysqlAdmin((admin) =>
      admin.sequelize.query(
        `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
      ),
    );
    const url = mysqlUrlFor(name);
    const db = await openDatabase({ url, poolMax: 5 });
    let dropped = false;
    testDatabase = {
      db,
      dialect,
      url,
      sqlitePath: undefined,
      name,
      drop: async () => {
        if (dropped) return;
        dropped = true;
        await db.close();
        await withMysqlAdmin((admin) => admin.sequelize.query(`DROP DATABASE IF EXISTS \`${name}\``));
      },
    };
  } else {
    const dir = await mkdtemp(path.join(tmpdir(), 'sa-test-db-'));
    const sqlitePath = path.join(dir, 'secureaccess.sqlite');
    const db = await openDatabase({ sqlitePath });
    let dropped = false;
    testDatabase = {
      db,
      dialect,
      url: undefined,
      sqlitePath,
      name: dir,
      drop: async () => {
        if (dropped) return;
        dropped = true;
        await db.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  if (migrate) {
    try {
      await createMigrator(testDatabase.db.sequelize).up();
    } catch (error) {
      await testDatabase.drop();
      throw error;
    }
  }
  return testDatabase;
}

/** Table names present in the database (excluding SQLite's own). */
export async function listTables(db: Database): Promise<string[]> {
  const tables = (await db.sequelize.getQueryInterface().showAllTables()) as unknown[];
  return tables
    .map((table) => (typeof table === 'string' ? table : (table as { tableName: string }).tableName))
    .filter((name) => !name.startsWith('sqlite_'))
    .sort();
}

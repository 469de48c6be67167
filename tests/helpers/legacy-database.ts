// The legacy `passwords-manager` table of seed 002 on the real MariaDB (TEST_MYSQL_URL, default
// root@127.0.0.1:3306): a database of its own per suite, loaded from the 300-row Spanish fixture,
// with a SELECT-only user, and `npm run legacy:export` run against it as an operator runs it.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openDatabase } from '@secureaccess/server';
import { mysqlUrlFor, uniqueName, withMysqlAdmin } from './database';

const repoRoot = path.join(__dirname, '..', '..');
export const legacyFixture = path.join(repoRoot, 'tests/fixtures/legacy/passwords-manager.sql');

export interface LegacyDatabase {
  name: string;
  /** Root credentials. */
  url: string;
  /** A user that may only SELECT in this database. */
  readOnlyUrl: string;
  /** `CHECKSUM TABLE` of the legacy table (changes with any change to its rows). */
  checksum(): Promise<string>;
  /** Runs SQL as root in this database. */
  query(sql: string): Promise<unknown[]>;
  drop(): Promise<void>;
}

export async function createLegacyDatabase(): Promise<LegacyDatabase> {
  const name = uniqueName('sa_legacy');
  const user = name.slice(0, 30);
  const password = `ro-${name}`;
  await withMysqlAdmin(async (admin) => {
    // The legacy schema is utf8 (MariaDB's utf8mb3), as the seed made it.
    await admin.sequelize.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8 COLLATE utf8_general_ci`);
    await admin.sequelize.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
    await admin.sequelize.query(`GRANT SELECT ON \`${name}\`.* TO '${user}'@'%'`);
  });
  const url = mysqlUrlFor(name);
  const db = await openDatabase({ url, poolMax: 1 });
  const query = async (sql: string) => (await db.sequelize.query(sql))[0] as unknown[];
  const statements = readFileSync(legacyFixture, 'utf8')
    .split('\n')
    .filter((line) => !line.startsWith('--'))
    .join('\n')
    .split(/;\n/)
    .map((statement) => statement.trim())
    .filter((statement) => statement !== '');
  for (const statement of statements) await query(statement);
  return {
    name,
    url,
    readOnlyUrl: mysqlUrlFor(name, { user, password }),
    async checksum() {
      const [row] = (await query('CHECKSUM TABLE `passwords-manager`')) as { Checksum: string | number }[];
      return String(row!.Checksum);
    },
    query,
    async drop() {
      await db.close();
      await withMysqlAdmin(async (admin) => {
        await admin.sequelize.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await admin.sequelize.query(`DROP USER IF EXISTS '${user}'@'%'`);
      });
    },
  };
}

/** `npm run legacy:export -- …` from the repository root; resolves with its exit code and output. */
export function runLegacyExport(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'legacy:export', '--', ...args], { cwd: repoRoot, env: process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

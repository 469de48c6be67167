// `npm run legacy:export -- --database-url mysql://user:pass@host:3306/db [--table passwords-manager]
//  [--output passwords-manager.csv] [--force]`
//
// Reads the legacy `passwords-manager` table of seed 002 (plaintext passwords) and writes it as a CSV
// that the extension's import reads (format `passwords_manager`, shared/src/import), where every row is
// encrypted with the user's key before anything reaches the server (DESIGN §5a). The legacy database
// is only read: the session is READ ONLY and the one statement is a SELECT inside a read-only
// transaction, so the table is left exactly as it was (tests/api/legacy checks its CHECKSUM TABLE).
// Rows the import will skip (no username and no password, a link that is not a web address) are
// listed on stderr with their id. The CSV holds passwords in clear: it is written with mode 0600 and
// is meant to be deleted after the import (docs/operations.md).
import { existsSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { formatCsv, parseImport } from '@secureaccess/shared/import';

/** The legacy table's columns, in its order (seed 002). */
export const legacyColumns = ['id', 'linea_de_negocio', 'nombre', 'descripcion', 'usuario', 'password', 'enlace', 'info_adicional'] as const;

const usage = 'usage: npm run legacy:export -- --database-url mysql://user:pass@host:3306/database [--table passwords-manager] [--output file.csv] [--force]';

function fail(message: string): never {
  process.stderr.write(`legacy:export: ${message}\n`);
  process.exit(1);
}

const cell = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return String(value);
};

export interface LegacyExportResult {
  rows: number;
  /** Rows the import will skip, by legacy id, with the reason. */
  problems: { id: string; message: string }[];
}

/** Reads the table read-only and writes the CSV; returns what it wrote and what the import will skip. */
export async function exportLegacyTable(options: { databaseUrl: string; table: string; output: string }): Promise<LegacyExportResult> {
  const url = new URL(options.databaseUrl);
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') throw new Error('the database URL must start with mysql://');
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new Error('the database URL names no database (mysql://host:3306/<database>)');
  const connection = await createConnection({
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username) || 'root',
    password: decodeURIComponent(url.password),
    database,
    // utf8mb4 on the wire: the server converts the table's utf8 (utf8mb3) text, accents and ñ intact.
    charset: 'utf8mb4',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  let records: RowDataPacket[];
  try {
    await connection.query('SET SESSION TRANSACTION READ ONLY');
    await connection.query('START TRANSACTION READ ONLY');
    const columns = legacyColumns.map((column) => connection.escapeId(column)).join(', ');
    [records] = await connection.query<RowDataPacket[]>(`SELECT ${columns} FROM ${connection.escapeId(options.table)} ORDER BY ${connection.escapeId('id')}`);
    await connection.query('COMMIT');
  } finally {
    await connection.end();
  }
  const rows = records.map((record) => legacyColumns.map((column) => cell(record[column])));
  const csv = formatCsv(legacyColumns, rows);
  writeFileSync(options.output, csv, { mode: 0o600 });
  // The same parser the extension runs: what it will report is reported here first, by legacy id.
  const { errors } = parseImport(csv, { format: 'passwords_manager' });
  const idByLine = new Map<number, string>();
  let line = 2;
  for (const row of rows) {
    idByLine.set(line, row[0]!);
    line += 1 + row.reduce((breaks, value) => breaks + (value.match(/\n/g)?.length ?? 0), 0);
  }
  return { rows: rows.length, problems: errors.map((error) => ({ id: idByLine.get(error.row) ?? `line ${error.row}`, message: error.message })) };
}

async function main(): Promise<void> {
  let values: { 'database-url'?: string; table?: string; output?: string; force?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        'database-url': { type: 'string' },
        table: { type: 'string', default: 'passwords-manager' },
        output: { type: 'string', default: 'passwords-manager.csv' },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n${usage}`);
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const databaseUrl = values['database-url'] ?? process.env.LEGACY_DATABASE_URL;
  if (!databaseUrl) fail(`--database-url is required\n${usage}`);
  const output = values.output!;
  if (existsSync(output) && !values.force) fail(`${output} exists; pass --force to overwrite it`);
  try {
    const result = await exportLegacyTable({ databaseUrl, table: values.table!, output });
    process.stderr.write(`legacy:export: ${result.rows} rows written to ${output} (mode 0600: it holds passwords in clear; delete it after the import)\n`);
    if (result.problems.length > 0) {
      process.stderr.write(`legacy:export: ${result.problems.length} rows will be skipped by the import:\n`);
      for (const problem of result.problems) process.stderr.write(`  id ${problem.id}: ${problem.message}\n`);
    }
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    fail(code ? `${code}: ${message}` : message);
  }
}

if (require.main === module) void main();

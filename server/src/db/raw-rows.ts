// Raw SELECTs for the hot paths (the authenticator, vault sync), where building a model instance
// per row costs more than the query. Column values come back as each driver gives them: mysql2
// hands out Date objects and numbers, sqlite3 text dates ('2026-01-02 03:04:05.678 +00:00', the
// format Sequelize writes) and 0/1 integers; these readers make both one shape.
import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from './database';

export type RawRow = Record<string, unknown>;

/**
 * A Date as the DATETIME(3) columns hold it, for comparisons in raw SQL. Sequelize's own escaping
 * of a Date drops the milliseconds on MySQL (its DATE type without a length), which would make
 * `expires_at > :now` wrong within a second; SQLite compares the text Sequelize wrote.
 */
function toColumnDate(db: Database, date: Date): string {
  const utc = date.toISOString().slice(0, 23).replace('T', ' ');
  return db.dialect === 'sqlite' ? `${utc} +00:00` : utc;
}

/** Runs one SELECT with named `:replacements` (escaped by Sequelize for the dialect; Dates as above). */
export function selectRows<T extends RawRow = RawRow>(
  db: Database,
  sql: string,
  replacements: Record<string, unknown>,
  transaction?: Transaction,
): Promise<T[]> {
  const values = Object.fromEntries(
    Object.entries(replacements).map(([key, value]) => [key, value instanceof Date ? toColumnDate(db, value) : value]),
  );
  return db.sequelize.query<T>(sql, {
    type: QueryTypes.SELECT,
    replacements: values,
    raw: true,
    ...(transaction ? { transaction } : {}),
  });
}

export function readDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'string' || typeof value === 'number') return new Date(value);
  throw new Error(`not a date column value: ${String(value)}`);
}

export function readOptionalDate(value: unknown): Date | null {
  return value === null || value === undefined ? null : readDate(value);
}

export function readBoolean(value: unknown): boolean {
  return value === true || value === 1 || value === '1';
}

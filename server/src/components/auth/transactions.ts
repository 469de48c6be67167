import type { Role } from '@secureaccess/shared/contract';
import type { Transaction } from 'sequelize';
import { lockClause, selectRows, type Database, type User, type UserStatus } from '../../db';

/**
 * Takes the user's row lock (FOR UPDATE on MySQL; SQLite has one writer anyway). Every auth,
 * session and MFA transaction that changes a user's rows takes it first, before any token or
 * session row and before the audit chain head. Inserting a row that references the user (an
 * audit row, a token, an attempt) takes a shared lock on that user row; without this common
 * first lock, a transaction holding the chain head could wait on the user row while a login
 * holding the user row waits on the chain head — a deadlock.
 */
export async function lockUserRow(db: Database, userId: number, transaction: Transaction): Promise<void> {
  await selectRows(db, `SELECT id FROM users WHERE id = :id${lockClause(db, 'update')}`, { id: userId }, transaction);
}

/** lockUserRow that also reads what the caller needs of the user, in the same statement. */
export async function lockAndReadUser(
  db: Database,
  userId: number,
  transaction: Transaction,
): Promise<Pick<User, 'id' | 'uuid' | 'role' | 'status'> | null> {
  const [row] = await selectRows(db, `SELECT id, uuid, role, status FROM users WHERE id = :id${lockClause(db, 'update')}`, { id: userId }, transaction);
  return row ? { id: Number(row.id), uuid: String(row.uuid), role: row.role as Role, status: row.status as UserStatus } : null;
}

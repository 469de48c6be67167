import type { Transaction } from 'sequelize';
import type { Database, User } from '../../db';

/**
 * Takes the user's row lock (FOR UPDATE on MySQL; SQLite has one writer anyway). Every auth,
 * session and MFA transaction that changes a user's rows takes it first, before any token or
 * session row and before the audit chain head. Inserting a row that references the user (an
 * audit row, a token, an attempt) takes a shared lock on that user row; without this common
 * first lock, a transaction holding the chain head could wait on the user row while a login
 * holding the user row waits on the chain head — a deadlock.
 */
export async function lockUserRow(db: Database, userId: number, transaction: Transaction): Promise<void> {
  await db.models.User.findByPk(userId, { attributes: ['id'], transaction, lock: transaction.LOCK.UPDATE });
}

/** lockUserRow that also reads what the caller needs of the user, in the same statement. */
export async function lockAndReadUser(
  db: Database,
  userId: number,
  transaction: Transaction,
): Promise<Pick<User, 'id' | 'uuid' | 'role' | 'status'> | null> {
  return db.models.User.findByPk(userId, { attributes: ['id', 'uuid', 'role', 'status'], transaction, lock: transaction.LOCK.UPDATE });
}

import type { Transaction } from 'sequelize';
import type { Database } from '../../db';

/** MySQL picks a deadlock victim or times out a lock wait; the whole transaction can simply run again. */
function isRetryableLockError(error: unknown): boolean {
  const cause = (error as { parent?: { code?: string }; original?: { code?: string } } | null) ?? {};
  const code = cause.parent?.code ?? cause.original?.code;
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT';
}

/**
 * db.transaction, run again (up to `attempts` times) when MySQL rolled it back as a deadlock
 * victim. `work` must be safe to repeat: it starts from a rolled-back state each time.
 */
export async function transactionWithRetry<T>(
  db: Database,
  work: (transaction: Transaction) => Promise<T>,
  attempts = 3,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.transaction(work);
    } catch (error) {
      if (attempt >= attempts || !isRetryableLockError(error)) throw error;
    }
  }
}

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

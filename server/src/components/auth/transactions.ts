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

// The cleanup job of DESIGN §4, run inside the server on an interval (and by `npm run db:cleanup`).
import type { AppContext } from './components';
import { purgeExpiredTrash } from './components/accounts/account-service';
import { purgeEndedSessions } from './components/sessions/session-service';
import { purgeExpiredRows, type CleanupResult } from './db';
import { loggableError } from './db/availability';

export async function runCleanup({
  db,
  config,
  clock,
}: Pick<AppContext, 'db' | 'config' | 'clock'>): Promise<CleanupResult & { trashedAccountsPurged: number; endedSessionsPurged: number }> {
  const result = await purgeExpiredRows(db, {
    now: clock(),
    loginAttemptsRetentionDays: config.loginAttemptsRetentionDays,
    refreshReuseIntervalSeconds: config.auth.refreshReuseIntervalSeconds,
  });
  // Accounts in the trash for more than 30 days are removed for good (DESIGN §7), with tombstones.
  const trash = await purgeExpiredTrash({ db, clock });
  // Sessions that ended longer ago than login attempts are kept (their tokens go with them).
  const endedSessionsPurged = await purgeEndedSessions(db, clock(), config.loginAttemptsRetentionDays);
  return { ...result, trashedAccountsPurged: trash.accounts, endedSessionsPurged };
}

/** Runs the cleanup every CLEANUP_INTERVAL_SECONDS (0 disables it); the timer never keeps the process alive. */
export function startCleanupTimer(context: Pick<AppContext, 'db' | 'config' | 'clock' | 'logger'>): { stop(): void } {
  const intervalMs = context.config.cleanupIntervalSeconds * 1000;
  if (intervalMs === 0) return { stop: () => undefined };
  let running = false;
  const timer = setInterval(() => {
    if (running) return; // a slow purge is not stacked on another
    running = true;
    runCleanup(context)
      .then((result) => context.logger.info({ cleanup: result }, 'cleanup finished'))
      .catch((error: unknown) => context.logger.error({ err: loggableError(error) }, 'cleanup failed'))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

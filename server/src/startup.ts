// Startup helpers shared by main.ts and cli.ts.
import type { Config } from './config';
import { listPendingMigrations, openDatabase, type Database } from './db';
import type { Logger } from './logger';

/** Prints one line to stderr and exits: configuration and startup problems are not stack traces. */
export function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** `logger`, when given, hears of every transaction the database rolled back and that runs again. */
export async function openConfiguredDatabase(config: Config, logger?: Logger): Promise<Database> {
  try {
    return await openDatabase({
      ...(config.database.dialect === 'mysql' ? { url: config.database.url } : { sqlitePath: config.database.path }),
      poolMax: config.dbPoolMax,
      pingTimeoutMs: config.dbPingTimeoutMs,
      transactionAttempts: config.dbTransactionAttempts,
      ...(logger
        ? {
            onTransactionRetry: ({ attempt, code }) =>
              logger.warn({ attempt, code }, 'transaction rolled back by the database (deadlock or certification conflict), running it again'),
          }
        : {}),
      connectTimeoutMs: config.dbConnectTimeoutMs,
      queryTimeoutMs: config.dbQueryTimeoutMs,
    });
  } catch (error) {
    const where = config.database.dialect === 'mysql' ? 'DATABASE_URL' : config.database.path;
    fail(`Cannot open the database (${where}): ${(error as Error).message}`);
  }
}


/** Stops (closing the database) when migrations are pending, naming the command that applies them. */
export async function assertMigrated(db: Database): Promise<void> {
  const pending = await listPendingMigrations(db);
  if (pending.length === 0) return;
  await db.close();
  fail(
    `The database (${db.location}) has ${pending.length} pending migration(s): ${pending.join(', ')}. ` +
      'Run `npm run db:migrate` first.',
  );
}

// Startup helpers shared by main.ts and cli.ts.
import type { Config } from './config';
import { listPendingMigrations, openDatabase, type Database } from './db';

/** Prints one line to stderr and exits: configuration and startup problems are not stack traces. */
export function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

export async function openConfiguredDatabase(config: Config): Promise<Database> {
  try {
    return await openDatabase({
      ...(config.database.dialect === 'mysql' ? { url: config.database.url } : { sqlitePath: config.database.path }),
      poolMax: config.dbPoolMax,
      pingTimeoutMs: config.dbPingTimeoutMs,
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

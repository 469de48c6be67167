import { createMigrator, migrations, migrationsTableName, schemaTables } from '@secureaccess/migrations';
import type { Database } from './database';

export { createMigrator, migrations, migrationsTableName, schemaTables };

/** Names of migrations not yet applied to this database. */
export async function listPendingMigrations(db: Database): Promise<string[]> {
  const pending = await createMigrator(db.sequelize).pending();
  return pending.map((migration) => migration.name);
}

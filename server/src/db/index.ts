// The data layer. Components receive a `Database` (from AppDeps) and use `db.models`; nothing
// outside server/src imports the models directly (tests reach them through the same handle).
export { openDatabase, describeDatabaseUrl, type Database, type DatabaseOptions, type Dialect, type TransactionRetry } from './database';
export * from './models';
export { databaseRetryAfterSeconds, describeDatabaseError, isDatabaseUnavailableError } from './availability';
export { createMigrator, listPendingMigrations, migrations, migrationsTableName, schemaTables } from './migrator';
export { bindNamed, lockClause, readBoolean, readDate, readOptionalDate, runStatement, selectRows, writeReturningRows, type RawRow, type StatementResult } from './raw-rows';
export { purgeExpiredRows, type CleanupOptions, type CleanupResult } from './cleanup';

// Operator commands (package.json: db:migrate, db:rollback, db:cleanup, db:ddl):
//   migrate                 apply every pending migration
//   rollback [--all]        revert the last migration (or all of them)
//   cleanup                 purge expired tokens, blacklist rows, old login attempts, rate-limit windows
//   ddl                     migrate, then print the schema (SHOW CREATE TABLE on MySQL)
//   rotate-jwt-key          add a JWT signing key to DATA_DIR/secrets.json and make it current
//   audit-verify            check the audit log's hash chain; exit 1 naming the first broken row
import { verifyAuditChain } from './components/audit/audit-chain';
import { ConfigError, loadConfig, type Config } from './config';
import { createMigrator, schemaTables, type Database } from './db';
import { runCleanup } from './maintenance';
import { assertMigrated, openConfiguredDatabase } from './startup';
import { rotateJwtSigningKey } from './secrets';

const usage = 'usage: cli <migrate | rollback [--all] | cleanup | ddl | rotate-jwt-key | audit-verify>';

function migratorFor(db: Database) {
  return createMigrator(db.sequelize, {
    logger: {
      info: (event) => {
        if (event.event === 'migrated' || event.event === 'reverted') {
          process.stdout.write(`${String(event.event)} ${String(event.name)}\n`);
        }
      },
      warn: (event) => process.stderr.write(`${JSON.stringify(event)}\n`),
      error: (event) => process.stderr.write(`${JSON.stringify(event)}\n`),
      debug: () => undefined,
    },
  });
}

async function printDdl(db: Database): Promise<void> {
  if (db.dialect === 'mysql') {
    for (const table of schemaTables) {
      const [rows] = await db.sequelize.query(`SHOW CREATE TABLE \`${table}\``);
      const row = (rows as Record<string, string>[])[0];
      process.stdout.write(`${row?.['Create Table']};\n\n`);
    }
    return;
  }
  const [rows] = await db.sequelize.query(
    "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type DESC, tbl_name, name",
  );
  for (const row of rows as { sql: string }[]) process.stdout.write(`${row.sql};\n`);
}

async function run(command: string | undefined, args: string[], config: Config): Promise<void> {
  if (command === 'rotate-jwt-key') {
    const kid = rotateJwtSigningKey(config.dataDir);
    process.stdout.write(`new JWT signing key ${kid} is current; restart the API processes to use it\n`);
    return;
  }
  if (!command || !['migrate', 'rollback', 'cleanup', 'ddl', 'audit-verify'].includes(command)) {
    process.stderr.write(`${command ? `unknown command "${command}"\n` : ''}${usage}\n`);
    process.exitCode = 2;
    return;
  }
  const db = await openConfiguredDatabase(config);
  try {
    const migrator = migratorFor(db);
    switch (command) {
      case 'migrate': {
        const applied = await migrator.up();
        if (applied.length === 0) process.stdout.write(`no pending migrations (${db.location})\n`);
        break;
      }
      case 'rollback': {
        const reverted = args.includes('--all') ? await migrator.down({ to: 0 }) : await migrator.down();
        if (reverted.length === 0) process.stdout.write('nothing to roll back\n');
        break;
      }
      case 'cleanup': {
        await assertMigrated(db);
        const result = await runCleanup({ db, config, clock: () => new Date() });
        process.stdout.write(`${JSON.stringify(result)}\n`);
        break;
      }
      case 'ddl':
        await migrator.up();
        await printDdl(db);
        break;
      case 'audit-verify': {
        await assertMigrated(db);
        const result = await verifyAuditChain(db);
        if (result.ok) {
          process.stdout.write(`audit chain intact: ${result.checked} row(s) verified (${db.location})\n`);
        } else {
          const where = result.brokenAt === null ? 'after the last row' : `at audit_log row id ${result.brokenAt}`;
          process.stderr.write(`audit chain BROKEN ${where}: ${result.reason}; ${result.checked} row(s) before it verified\n`);
          process.exitCode = 1;
        }
        break;
      }
    }
  } finally {
    await db.close();
  }
}

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}
run(process.argv[2], process.argv.slice(3), config).catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
});

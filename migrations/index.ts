// The one migrator of the project (STYLE: one Umzug instance with SequelizeStorage). The server's
// CLI, its boot check and the tests all use createMigrator, so they run exactly the same steps.
import type { QueryInterface, Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug, type RunnableMigration } from 'umzug';
import * as createUsers from './src/20251123000100-create-users';
import * as createApplicationsAndAccounts from './src/20251123000200-create-applications-and-accounts';
import * as createSessionsAndTokens from './src/20251123000300-create-sessions-and-tokens';
import * as createAuditAndLimits from './src/20251123000400-create-audit-and-limits';
import * as createSettings from './src/20251123000500-create-settings';
import * as addRecoveryProofAndRememberMe from './src/20251123001000-add-recovery-proof-and-remember-me';
import * as createAccountTombstones from './src/20251123002000-create-account-tombstones';
import * as widenAccountSecretColumns from './src/20251123002100-widen-account-secret-columns';
import * as encryptAccountUrlAndFolder from './src/20251202000100-encrypt-account-url-and-folder';
import * as addPreferenceLanguage from './src/20251202000200-add-preference-language';
import * as addCatalogueRevision from './src/20251202000050-add-catalogue-revision';
import * as addAccountTitle from './src/20251202000300-add-account-title';

export { auditGenesisHash } from './src/20251123000400-create-audit-and-limits';
export { defaultSettings } from './src/20251123000500-create-settings';
export { catalogueRevisionSetting } from './src/20251202000050-add-catalogue-revision';

/** Applied in this order, reverted in the reverse one. Names are what the storage table records. */
export const migrations: readonly RunnableMigration<QueryInterface>[] = [
  { name: '20251123000100-create-users', ...createUsers },
  { name: '20251123000200-create-applications-and-accounts', ...createApplicationsAndAccounts },
  { name: '20251123000300-create-sessions-and-tokens', ...createSessionsAndTokens },
  { name: '20251123000400-create-audit-and-limits', ...createAuditAndLimits },
  { name: '20251123000500-create-settings', ...createSettings },
  { name: '20251123001000-add-recovery-proof-and-remember-me', ...addRecoveryProofAndRememberMe },
  { name: '20251123002000-create-account-tombstones', ...createAccountTombstones },
  { name: '20251123002100-widen-account-secret-columns', ...widenAccountSecretColumns },
  { name: '20251202000050-add-catalogue-revision', ...addCatalogueRevision },
  { name: '20251202000100-encrypt-account-url-and-folder', ...encryptAccountUrlAndFolder },
  { name: '20251202000200-add-preference-language', ...addPreferenceLanguage },
  { name: '20251202000300-add-account-title', ...addAccountTitle },
];

/** Table that records applied migrations. */
export const migrationsTableName = 'schema_migrations';

/** Every table the migrations create (DESIGN §4 plus what §6 needs), for checks and the DDL dump. */
export const schemaTables = [
  'users',
  'encryption_keys',
  'user_preferences',
  'user_mfa',
  'user_mfa_backup_codes',
  'password_history',
  'application',
  'stored_accounts',
  'stored_account_tombstones',
  'user_sessions',
  'jwt_tokens',
  'jwt_blacklist',
  'audit_log',
  'audit_chain_head',
  'login_attempts',
  'rate_limits',
  'settings',
] as const;

export type MigrationLogger = Record<'info' | 'warn' | 'error' | 'debug', (message: Record<string, unknown>) => void>;

export function createMigrator(
  sequelize: Sequelize,
  options: { logger?: MigrationLogger } = {},
): Umzug<QueryInterface> {
  return new Umzug({
    migrations: [...migrations],
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: migrationsTableName }),
    logger: options.logger,
  });
}

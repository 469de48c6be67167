// Recovery (DESIGN §5a) and the "remember me" preference (contract preferencesSchema):
// - encryption_keys.auth_hash: argon2id of the recovery authHash, on the purpose='recovery' row
//   that holds the user key wrapped under the same recovery code, so proof and key rotate together
//   (a new recovery code is a new row). NULL on 'master' rows, whose proof is users.master_password_hash.
// - user_preferences.remember_me_by_default: what a login without `rememberMe` uses.
import { DataTypes, type QueryInterface } from 'sequelize';
import type { MigrationFn } from 'umzug';

export const up: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  await qi.addColumn('encryption_keys', 'auth_hash', { type: DataTypes.STRING(255), allowNull: true });
  await qi.addColumn('user_preferences', 'remember_me_by_default', {
    type: DataTypes.BOOLEAN,
    allowNull: false,
    defaultValue: true,
  });
};

/**
 * Sequelize's SQLite removeColumn rebuilds the whole table through a backup copy; SQLite ≥ 3.35
 * drops an unindexed column in place, as MySQL does.
 */
async function dropColumn(qi: QueryInterface, table: string, column: string): Promise<void> {
  if (qi.sequelize.getDialect() === 'sqlite') {
    await qi.sequelize.query(`ALTER TABLE \`${table}\` DROP COLUMN \`${column}\``);
  } else {
    await qi.removeColumn(table, column);
  }
}

export const down: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  await dropColumn(qi, 'user_preferences', 'remember_me_by_default');
  await dropColumn(qi, 'encryption_keys', 'auth_hash');
};

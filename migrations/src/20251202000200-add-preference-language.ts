// The extension's language as a user preference (contract preferencesSchema.language): `auto`
// follows the browser's language; `en` / `es` override it on every device the user signs in on.
import { DataTypes, type QueryInterface } from 'sequelize';
import type { MigrationFn } from 'umzug';

export const up: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  await qi.addColumn('user_preferences', 'language', { type: DataTypes.STRING(8), allowNull: false, defaultValue: 'auto' });
};

export const down: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  // SQLite ≥ 3.35 drops an unindexed column in place (Sequelize's removeColumn would rebuild the table).
  if (qi.sequelize.getDialect() === 'sqlite') await qi.sequelize.query('ALTER TABLE `user_preferences` DROP COLUMN `language`');
  else await qi.removeColumn('user_preferences', 'language');
};

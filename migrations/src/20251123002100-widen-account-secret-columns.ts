// The contract allows 64 KiB of ciphertext in every secret field (envelopeLimits), whose envelope
// JSON is ~87 KB of base64; MySQL's TEXT holds 65 535 bytes, so username and password become
// MEDIUMTEXT like notes already is. SQLite's TEXT has no such limit: nothing to do there.
import { DataTypes, type QueryInterface } from 'sequelize';
import type { MigrationFn } from 'umzug';

const columns = ['encrypted_username', 'encrypted_password'] as const;

async function setType(qi: QueryInterface, type: 'medium' | 'tiny' | 'long' | undefined): Promise<void> {
  if (qi.sequelize.getDialect() !== 'mysql') return;
  for (const column of columns) {
    await qi.changeColumn('stored_accounts', column, {
      type: type === undefined ? DataTypes.TEXT : DataTypes.TEXT(type),
      allowNull: false,
    });
  }
}

export const up: MigrationFn<QueryInterface> = ({ context: qi }) => setType(qi, 'medium');

// Fails (data too long) if an envelope above 64 KB was stored since: reverting must not truncate.
export const down: MigrationFn<QueryInterface> = ({ context: qi }) => setType(qi, undefined);

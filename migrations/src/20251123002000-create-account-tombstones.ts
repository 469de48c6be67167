// Tombstones of accounts removed for good (permanent delete, trash purge), so that delta sync
// (`GET /accounts?since=`) can tell every device to forget them (DESIGN §7). A tombstone takes the
// next value of users.vault_change_seq like any other vault change; it holds no user data.
import type { QueryInterface } from 'sequelize';
import type { MigrationFn } from 'umzug';
import { addIndex, columnTypes, createTable, dateColumn, dropTables, foreignId, idColumn, uuidColumn } from './columns';

export const up: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  const t = columnTypes(qi);
  await createTable(qi, 'stored_account_tombstones', {
    id: idColumn(t),
    user_id: foreignId(t, 'users', 'CASCADE'),
    // The client-made uuid of the removed account. Re-creating an account with this uuid removes
    // the tombstone (the new row's own change_seq then tells the devices).
    uuid: uuidColumn(),
    change_seq: { type: t.bigintUnsigned, allowNull: false },
    removed_at: dateColumn(false),
  });
  await addIndex(qi, 'stored_account_tombstones', ['user_id', 'uuid'], { unique: true });
  await addIndex(qi, 'stored_account_tombstones', ['user_id', 'change_seq'], { unique: true });
};

export const down: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  await dropTables(qi, ['stored_account_tombstones']);
};

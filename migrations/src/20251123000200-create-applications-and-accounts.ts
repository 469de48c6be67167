// The shared application catalogue and the encrypted vault (DESIGN §4, §7, §8).
import { DataTypes, type QueryInterface } from 'sequelize';
import type { MigrationFn } from 'umzug';
import {
  addIndex,
  columnTypes,
  createTable,
  dateColumn,
  dropTables,
  foreignId,
  idColumn,
  timestampColumns,
  uuidColumn,
} from './columns';

export const up: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  const t = columnTypes(qi);
  await createTable(qi, 'application', {
    id: idColumn(t),
    uuid: uuidColumn(),
    name: { type: DataTypes.STRING(255), allowNull: false },
    // Not indexed: 2048 utf8mb4 characters exceed InnoDB's 3072-byte key limit. Lookups go
    // through `host` / `base_domain`, derived from the URL when it is saved.
    url: { type: DataTypes.STRING(2048), allowNull: false },
    host: { type: DataTypes.STRING(255), allowNull: true },
    base_domain: { type: DataTypes.STRING(255), allowNull: true },
    // base_domain (default) | host | starts_with | exact | regex | never (DESIGN §9).
    match_strategy: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'base_domain' },
    match_patterns: { type: t.json, allowNull: true },
    is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    access: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'granted' },
    access_granted_value: { type: DataTypes.STRING(255), allowNull: false, defaultValue: 'granted' },
    access_declined_value: { type: DataTypes.STRING(255), allowNull: false, defaultValue: 'declined' },
    created_by: foreignId(t, 'users', 'SET NULL'),
    ...timestampColumns(),
  });
  await addIndex(qi, 'application', ['uuid'], { unique: true });
  await addIndex(qi, 'application', ['base_domain']);
  await addIndex(qi, 'application', ['host']);
  await addIndex(qi, 'application', ['is_active', 'name']);

  await createTable(qi, 'stored_accounts', {
    id: idColumn(t),
    // Made by the client (it is part of the ciphertexts' associated data, DESIGN §5).
    uuid: uuidColumn(),
    user_id: foreignId(t, 'users', 'CASCADE'),
    // SET NULL: deleting a catalogue entry must not destroy users' encrypted data; the account
    // just loses its link and is matched by its own url again.
    application_id: foreignId(t, 'application', 'SET NULL'),
    url: { type: DataTypes.STRING(2048), allowNull: true },
    folder: { type: DataTypes.TEXT, allowNull: true },
    // Envelopes of DESIGN §5 as JSON text; the server checks their shape, never their content.
    encrypted_username: { type: DataTypes.TEXT, allowNull: false },
    encrypted_password: { type: DataTypes.TEXT, allowNull: false },
    encrypted_notes: { type: t.mediumText, allowNull: true },
    revision: { type: t.intUnsigned, allowNull: false, defaultValue: 1 },
    // Per-user, strictly increasing (see users.vault_change_seq); every create, update, delete
    // and restore takes the next value, so `since=<seq>` returns changes and tombstones.
    change_seq: { type: t.bigintUnsigned, allowNull: false },
    ...timestampColumns(),
    last_accessed_at: dateColumn(),
    deleted_at: dateColumn(),
  });
  await addIndex(qi, 'stored_accounts', ['user_id', 'uuid'], { unique: true });
  await addIndex(qi, 'stored_accounts', ['user_id', 'change_seq'], { unique: true });
  await addIndex(qi, 'stored_accounts', ['user_id', 'deleted_at']);
  await addIndex(qi, 'stored_accounts', ['application_id']);
};

export const down: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  await dropTables(qi, ['stored_accounts', 'application']);
};

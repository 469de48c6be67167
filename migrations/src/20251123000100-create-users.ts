// Users and everything that belongs to exactly one user and dies with it (DESIGN §4, §5, §6):
// key material, preferences, TOTP and its backup codes, password history.
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
  ipColumn,
  timestampColumns,
  uuidColumn,
} from './columns';

export const up: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  const t = columnTypes(qi);
  await createTable(qi, 'users', {
    id: idColumn(t),
    uuid: uuidColumn(),
    first_name: { type: DataTypes.STRING(100), allowNull: false },
    last_name: { type: DataTypes.STRING(100), allowNull: false },
    // Normalised (trimmed, lower-cased) by the application; 254 is the SMTP path limit.
    email: { type: DataTypes.STRING(254), allowNull: false },
    // argon2id(authHash): the client's auth hash, never the master password (DESIGN §5).
    master_password_hash: { type: DataTypes.STRING(255), allowNull: false },
    kdf_salt: { type: DataTypes.STRING(255), allowNull: false },
    // The whole KDF object of the protocol, e.g. {"algorithm":"argon2id","memoryKiB":65536,...}.
    kdf_params: { type: t.json, allowNull: false },
    role: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'editor' },
    status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'active' },
    failed_login_attempts: { type: t.intUnsigned, allowNull: false, defaultValue: 0 },
    locked_until: dateColumn(),
    last_login_at: dateColumn(),
    last_login_ip: ipColumn(),
    password_changed_at: dateColumn(),
    // Bumped to invalidate every access token of the user at once.
    jwt_key_version: { type: t.intUnsigned, allowNull: false, defaultValue: 1 },
    refresh_token_rotation: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    // NULL: the server's configured lifetime.
    access_token_ttl_seconds: { type: t.intUnsigned, allowNull: true },
    refresh_token_ttl_seconds: { type: t.intUnsigned, allowNull: true },
    // Last change sequence handed out for this user's vault. Incremented under the user's row
    // lock, so stored_accounts.change_seq values of one user commit in order and delta sync
    // (`GET /accounts?since=`) never skips a change.
    vault_change_seq: { type: t.bigintUnsigned, allowNull: false, defaultValue: 0 },
    ...timestampColumns(),
  });
  await addIndex(qi, 'users', ['uuid'], { unique: true });
  await addIndex(qi, 'users', ['email'], { unique: true });
  await addIndex(qi, 'users', ['status']);

  await createTable(qi, 'encryption_keys', {
    id: idColumn(t),
    user_id: foreignId(t, 'users', 'CASCADE'),
    // 'master': wrapped under the master-password wrap key; 'recovery': under the recovery code (§5a).
    purpose: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'master' },
    // The envelope of DESIGN §5 as JSON text ("encrypted master key" of the seed).
    wrapped_user_key: { type: DataTypes.TEXT, allowNull: false },
    kdf_algorithm: { type: DataTypes.STRING(32), allowNull: false },
    kdf_params: { type: t.json, allowNull: false },
    kdf_salt: { type: DataTypes.STRING(255), allowNull: false },
    key_version: { type: t.intUnsigned, allowNull: false, defaultValue: 1 },
    is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    created_at: dateColumn(false),
    rotated_at: dateColumn(),
  });
  await addIndex(qi, 'encryption_keys', ['user_id', 'purpose', 'key_version'], { unique: true });

  await createTable(qi, 'user_preferences', {
    id: idColumn(t),
    user_id: foreignId(t, 'users', 'CASCADE'),
    generator_settings: { type: t.json, allowNull: true },
    lock_timeout_seconds: { type: t.intUnsigned, allowNull: false, defaultValue: 900 },
    clipboard_clear_seconds: { type: t.intUnsigned, allowNull: false, defaultValue: 30 },
    notifications: { type: t.json, allowNull: true },
    theme: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'system' },
    ...timestampColumns(),
  });
  await addIndex(qi, 'user_preferences', ['user_id'], { unique: true });

  await createTable(qi, 'user_mfa', {
    id: idColumn(t),
    user_id: foreignId(t, 'users', 'CASCADE'),
    method: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'totp' },
    // AES-256-GCM under the server's MFA encryption key (secrets.ts); never the plain secret.
    secret_ciphertext: { type: DataTypes.TEXT, allowNull: false },
    secret_key_id: { type: DataTypes.STRING(32), allowNull: false },
    // NULL until the user confirms a first code (setup started, not enabled).
    enabled_at: dateColumn(),
    // Highest RFC 6238 time step accepted so far: a code for this step or an older one is refused.
    last_used_step: { type: t.bigintUnsigned, allowNull: true },
    ...timestampColumns(),
  });
  await addIndex(qi, 'user_mfa', ['user_id'], { unique: true });

  // One row per backup code so spending one is a single conditional UPDATE (used_at IS NULL).
  await createTable(qi, 'user_mfa_backup_codes', {
    id: idColumn(t),
    user_id: foreignId(t, 'users', 'CASCADE'),
    code_hash: { type: DataTypes.STRING(255), allowNull: false },
    used_at: dateColumn(),
    created_at: dateColumn(false),
  });
  await addIndex(qi, 'user_mfa_backup_codes', ['user_id', 'used_at']);

  await createTable(qi, 'password_history', {
    id: idColumn(t),
    user_id: foreignId(t, 'users', 'CASCADE'),
    // argon2id of a former auth hash; compared with argon2.verify, so not indexable.
    password_hash: { type: DataTypes.STRING(255), allowNull: false },
    created_at: dateColumn(false),
  });
  await addIndex(qi, 'password_history', ['user_id', 'created_at']);
};

export const down: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  await dropTables(qi, [
    'password_history',
    'user_mfa_backup_codes',
    'user_mfa',
    'user_preferences',
    'encryption_keys',
    'users',
  ]);
};

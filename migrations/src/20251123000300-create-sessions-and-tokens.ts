// Sessions, issued tokens and the access-token blacklist (DESIGN §6). Only SHA-256 hashes of
// tokens are stored; the refresh successor kept for the reuse interval is encrypted under a key
// derived from its parent token, so a database dump reveals no usable token.
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
  sha256Column,
  timestampColumns,
  userAgentColumn,
  uuidColumn,
} from './columns';

export const up: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  const t = columnTypes(qi);
  await createTable(qi, 'user_sessions', {
    id: idColumn(t),
    // Public id (DELETE /sessions/:id); the numeric id stays internal.
    uuid: uuidColumn(),
    user_id: foreignId(t, 'users', 'CASCADE'),
    // The refresh-token family of this session: one live refresh token at a time.
    family_id: uuidColumn(),
    device_name: { type: DataTypes.STRING(100), allowNull: true },
    device_type: { type: DataTypes.STRING(32), allowNull: true },
    user_agent: userAgentColumn(),
    ip: ipColumn(),
    remember_me: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    login_at: dateColumn(false),
    last_activity_at: dateColumn(false),
    // Absolute end (7 days, or 60 with "remember me"); idle expiry follows last_activity_at.
    expires_at: dateColumn(false),
    is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    revoked_at: dateColumn(),
    revoked_reason: { type: DataTypes.STRING(64), allowNull: true },
    ...timestampColumns(),
  });
  await addIndex(qi, 'user_sessions', ['uuid'], { unique: true });
  await addIndex(qi, 'user_sessions', ['family_id'], { unique: true });
  await addIndex(qi, 'user_sessions', ['user_id', 'is_active']);
  await addIndex(qi, 'user_sessions', ['expires_at']);

  await createTable(qi, 'jwt_tokens', {
    id: idColumn(t),
    jti: uuidColumn(),
    user_id: foreignId(t, 'users', 'CASCADE'),
    session_id: foreignId(t, 'user_sessions', 'CASCADE', true),
    token_type: { type: DataTypes.STRING(16), allowNull: false },
    token_hash: sha256Column(),
    // Non-secret claims (role, kid, aud) for auditing; never the token.
    claims: { type: t.json, allowNull: true },
    issued_at: dateColumn(false),
    expires_at: dateColumn(false),
    revoked: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    revoked_at: dateColumn(),
    revoked_reason: { type: DataTypes.STRING(64), allowNull: true },
    family_id: uuidColumn(true),
    parent_id: foreignId(t, 'jwt_tokens', 'SET NULL'),
    // Set when a refresh token is rotated; re-presenting it after used_at + reuse interval is theft.
    used_at: dateColumn(),
    // The successor refresh token, encrypted under a key derived from this (parent) token;
    // cleared when the reuse interval ends.
    successor_ciphertext: { type: DataTypes.TEXT, allowNull: true },
    ...timestampColumns(),
  });
  await addIndex(qi, 'jwt_tokens', ['jti'], { unique: true });
  await addIndex(qi, 'jwt_tokens', ['token_hash'], { unique: true });
  await addIndex(qi, 'jwt_tokens', ['user_id', 'token_type', 'revoked']);
  await addIndex(qi, 'jwt_tokens', ['family_id']);
  await addIndex(qi, 'jwt_tokens', ['session_id']);
  await addIndex(qi, 'jwt_tokens', ['parent_id']);
  await addIndex(qi, 'jwt_tokens', ['expires_at']);

  await createTable(qi, 'jwt_blacklist', {
    id: idColumn(t),
    jti: uuidColumn(),
    token_hash: sha256Column(true),
    // No foreign key: a blacklist entry must outlive nothing but its own expiry.
    user_id: { type: t.bigintUnsigned, allowNull: true },
    reason: { type: DataTypes.STRING(64), allowNull: true },
    expires_at: dateColumn(false),
    blacklisted_at: dateColumn(false),
  });
  await addIndex(qi, 'jwt_blacklist', ['jti'], { unique: true });
  await addIndex(qi, 'jwt_blacklist', ['expires_at']);
};

export const down: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  await dropTables(qi, ['jwt_blacklist', 'jwt_tokens', 'user_sessions']);
};

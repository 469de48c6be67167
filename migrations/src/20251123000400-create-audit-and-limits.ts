// The hash-chained audit log, login attempts and the shared rate-limit counters (DESIGN §3, §4, §6).
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
  userAgentColumn,
  uuidColumn,
} from './columns';

/** prev_hash of the first audit row. */
export const auditGenesisHash = '0'.repeat(64);

export const up: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  const t = columnTypes(qi);
  await createTable(qi, 'audit_log', {
    id: idColumn(t),
    // SET NULL keeps the trail when a user is deleted. The chain hash must therefore cover
    // user_uuid (a snapshot that never changes), not this column.
    user_id: foreignId(t, 'users', 'SET NULL'),
    user_uuid: uuidColumn(true),
    // No foreign key: tokens are purged when they expire, the audit trail is not.
    jwt_token_id: { type: t.bigintUnsigned, allowNull: true },
    action: { type: DataTypes.STRING(64), allowNull: false },
    target_type: { type: DataTypes.STRING(32), allowNull: true },
    target_id: { type: DataTypes.STRING(64), allowNull: true },
    ip: ipColumn(),
    user_agent: userAgentColumn(),
    success: { type: DataTypes.BOOLEAN, allowNull: false },
    details: { type: t.json, allowNull: true },
    created_at: dateColumn(false),
    prev_hash: sha256Column(),
    hash: sha256Column(),
  });
  await addIndex(qi, 'audit_log', ['hash'], { unique: true });
  await addIndex(qi, 'audit_log', ['user_id', 'created_at']);
  await addIndex(qi, 'audit_log', ['action', 'created_at']);
  await addIndex(qi, 'audit_log', ['created_at']);

  // Exactly one row (id = 1). Appending to the chain locks it (SELECT … FOR UPDATE on MySQL,
  // the single writer on SQLite), so concurrent API processes append one at a time.
  await createTable(qi, 'audit_chain_head', {
    id: { type: t.intUnsigned, primaryKey: true, allowNull: false },
    last_audit_id: { type: t.bigintUnsigned, allowNull: true },
    last_hash: sha256Column(),
    updated_at: dateColumn(false),
  });
  await qi.bulkInsert('audit_chain_head', [
    { id: 1, last_audit_id: null, last_hash: auditGenesisHash, updated_at: new Date() },
  ]);

  await createTable(qi, 'login_attempts', {
    id: idColumn(t),
    // Normalised email as typed, whether or not an account exists (lockout works for both).
    identifier: { type: DataTypes.STRING(254), allowNull: false },
    user_id: foreignId(t, 'users', 'SET NULL'),
    ip: ipColumn(),
    success: { type: DataTypes.BOOLEAN, allowNull: false },
    failure_reason: { type: DataTypes.STRING(64), allowNull: true },
    user_agent: userAgentColumn(),
    attempted_at: dateColumn(false),
  });
  await addIndex(qi, 'login_attempts', ['identifier', 'attempted_at']);
  await addIndex(qi, 'login_attempts', ['ip', 'attempted_at']);
  await addIndex(qi, 'login_attempts', ['attempted_at']);

  // Fixed-window counters shared by every API process: one row per (bucket, window).
  await createTable(qi, 'rate_limits', {
    bucket_key: { type: DataTypes.STRING(191), primaryKey: true, allowNull: false },
    window_start: { type: DataTypes.DATE(3), primaryKey: true, allowNull: false },
    count: { type: t.intUnsigned, allowNull: false, defaultValue: 0 },
    expires_at: dateColumn(false),
  });
  await addIndex(qi, 'rate_limits', ['expires_at']);
};

export const down: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  await dropTables(qi, ['rate_limits', 'login_attempts', 'audit_chain_head', 'audit_log']);
};

// The tamper-evident audit trail (DESIGN §4, issue "audit log"): every row carries
// hash = SHA-256(prev_hash ‖ "\n" ‖ canonical row), so editing, deleting or reordering a row
// breaks the chain at that row. Appends lock the single audit_chain_head row, so several API
// processes on one MySQL primary append one at a time and the chain never forks; on SQLite the
// database's single writer does the same.
import { createHash } from 'node:crypto';
import { Op, type Transaction } from 'sequelize';
import { lockClause, runStatement, selectRows, toJsonColumn, type Database } from '../../db';

export const auditGenesisHash = '0'.repeat(64);

/** Bumped if the canonical form ever changes; stored inside every hashed row. */
const canonicalFormVersion = 1;

export interface AuditEntry {
  action: string;
  success: boolean;
  userId?: number | null;
  userUuid?: string | null;
  jwtTokenId?: number | null;
  targetType?: string | null;
  targetId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  /** Old/new values and reasons; never secrets. */
  details?: Record<string, unknown> | null;
}

/** The fields covered by the hash; user_id is not (it becomes NULL when a user is deleted). */
interface HashedFields {
  userUuid: string | null;
  jwtTokenId: number | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  success: boolean;
  details: unknown;
  createdAt: Date;
}

/** JSON with object keys sorted at every depth, so equal values always hash equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function hashAuditRow(prevHash: string, row: HashedFields): string {
  const canonical = canonicalJson({
    v: canonicalFormVersion,
    userUuid: row.userUuid,
    jwtTokenId: row.jwtTokenId === null ? null : Number(row.jwtTokenId),
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    ip: row.ip,
    userAgent: row.userAgent,
    success: Boolean(row.success),
    details: row.details ?? null,
    createdAt: row.createdAt.toISOString(),
  });
  return createHash('sha256').update(`${prevHash}\n${canonical}`).digest('hex');
}

/** DATETIME(3) keeps milliseconds: hash exactly what the database will give back. */
function toStoredPrecision(date: Date): Date {
  return new Date(Math.floor(date.getTime()));
}

async function appendInTransaction(
  db: Database,
  entry: AuditEntry,
  createdAt: Date,
  transaction: Transaction,
  userRowLocked: boolean,
): Promise<{ id: number; hash: string }> {
  // Raw statements (db/raw-rows.ts): every audited write runs these three, and through the model
  // layer they cost the API more CPU than the database's work (docs/performance.md, session 7).
  // Lock order is user row, then chain head, everywhere. The audit row's foreign key makes
  // InnoDB take a shared lock on the user row at insert time; taking it here, before the head,
  // keeps a transaction that already holds another user's row lock from deadlocking with that
  // user's own audited transaction (which holds its row, then waits for the head). SQLite has
  // one writer: no row locks to take.
  if (db.dialect === 'mysql' && entry.userId !== undefined && entry.userId !== null && !userRowLocked) {
    await selectRows(db, `SELECT id FROM users WHERE id = :id${lockClause(db, 'share')}`, { id: entry.userId }, transaction);
  }
  const [head] = await selectRows<{ last_hash: string }>(
    db,
    `SELECT last_hash FROM audit_chain_head WHERE id = 1${lockClause(db, 'update')}`,
    {},
    transaction,
  );
  if (!head) throw new Error('audit_chain_head row is missing: run the migrations');
  const prevHash = String(head.last_hash);
  const fields: HashedFields = {
    userUuid: entry.userUuid ?? null,
    jwtTokenId: entry.jwtTokenId ?? null,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    ip: entry.ip ?? null,
    userAgent: entry.userAgent?.slice(0, 512) ?? null,
    success: entry.success,
    details: entry.details ?? null,
    createdAt: toStoredPrecision(createdAt),
  };
  const hash = hashAuditRow(prevHash, fields);
  const { insertId } = await runStatement(
    db,
    `INSERT INTO audit_log (user_id, user_uuid, jwt_token_id, action, target_type, target_id, ip, user_agent, success, details, created_at, prev_hash, hash)
     VALUES (:userId, :userUuid, :jwtTokenId, :action, :targetType, :targetId, :ip, :userAgent, :success, :details, :createdAt, :prevHash, :hash)`,
    {
      ...fields,
      details: toJsonColumn(entry.details) ?? null,
      userId: entry.userId ?? null,
      prevHash,
      hash,
    },
    transaction,
  );
  await runStatement(
    db,
    'UPDATE audit_chain_head SET last_audit_id = :id, last_hash = :hash, updated_at = :at WHERE id = 1',
    { id: insertId, hash, at: fields.createdAt },
    transaction,
  );
  return { id: insertId, hash };
}

/**
 * Appends one row to the audit chain. Pass the caller's transaction when the audited change and
 * its audit row must commit together (and never call this outside it while that transaction is
 * open: on SQLite transactions run one at a time).
 */
export async function appendAudit(
  db: Database,
  entry: AuditEntry,
  options: {
    clock?: () => Date;
    transaction?: Transaction;
    /** The transaction already holds entry.userId's row lock (lockUserRow): skip the shared lock. */
    userRowLocked?: boolean;
  } = {},
): Promise<{ id: number; hash: string }> {
  const createdAt = (options.clock ?? (() => new Date()))();
  const userRowLocked = options.transaction !== undefined && options.userRowLocked === true;
  if (options.transaction) return appendInTransaction(db, entry, createdAt, options.transaction, userRowLocked);
  return db.transaction((transaction) => appendInTransaction(db, entry, createdAt, transaction, false));
}

/** What is wrong with a broken chain (the contract's auditChainProblemSchema). */
export type AuditChainProblem = 'row_removed_or_reordered' | 'row_edited' | 'end_removed';

export type AuditVerification =
  | { ok: true; checked: number }
  | { ok: false; checked: number; brokenAt: number | null; problem: AuditChainProblem; reason: string };

/**
 * Walks the chain in id order and reports the first row whose prev_hash or hash does not match,
 * and a head that does not point at the last row (rows cut off the end).
 */
export async function verifyAuditChain(db: Database, batchSize = 1_000): Promise<AuditVerification> {
  const { AuditLog, AuditChainHead } = db.models;
  let prevHash = auditGenesisHash;
  let lastId = 0;
  let checked = 0;
  for (;;) {
    const rows = await AuditLog.findAll({
      where: { id: { [Op.gt]: lastId } },
      order: [['id', 'ASC']],
      limit: batchSize,
    });
    if (rows.length === 0) break;
    for (const row of rows) {
      if (row.prevHash !== prevHash) {
        return { ok: false, checked, brokenAt: Number(row.id), problem: 'row_removed_or_reordered', reason: 'prev_hash does not match the previous row (a row was removed or reordered)' };
      }
      const expected = hashAuditRow(prevHash, {
        userUuid: row.userUuid ?? null,
        jwtTokenId: row.jwtTokenId ?? null,
        action: row.action,
        targetType: row.targetType ?? null,
        targetId: row.targetId ?? null,
        ip: row.ip ?? null,
        userAgent: row.userAgent ?? null,
        success: row.success,
        details: row.details ?? null,
        createdAt: row.createdAt,
      });
      if (expected !== row.hash) {
        return { ok: false, checked, brokenAt: Number(row.id), problem: 'row_edited', reason: 'row contents do not match its hash (the row was edited)' };
      }
      prevHash = row.hash;
      lastId = Number(row.id);
      checked += 1;
    }
  }
  const head = await AuditChainHead.findByPk(1);
  if (!head || head.lastHash !== prevHash) {
    return { ok: false, checked, brokenAt: null, problem: 'end_removed', reason: 'the chain head does not point at the last row (rows were removed from the end)' };
  }
  return { ok: true, checked };
}

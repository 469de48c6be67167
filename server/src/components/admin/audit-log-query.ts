// Reading the audit log (DESIGN §7 `GET /admin/audit`, `GET /audit`): filters, newest first,
// keyset pagination on the row id, and a CSV rendering for exports. Nothing here writes: rows are
// only ever added by appendAudit.
import { ErrorCode, type AuditEntry, type AuditPageResponse } from '@secureaccess/shared/contract';
import { Op, type WhereOptions } from 'sequelize';
import type { AuditLog, Database } from '../../db';
import { AppError } from '../../http/app-error';

export interface AuditFilter {
  /** The acting user's uuid (kept on the row even after the user is deleted). */
  userUuid?: string | undefined;
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  success?: 'true' | 'false' | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export const defaultAuditPageSize = 50;
/** Rows read per query while exporting. */
const exportBatchSize = 500;

// `a1.<id>`: the next page holds the rows older than this id.
const cursorPattern = /^a1\.([1-9]\d{0,15})$/;

function parseAuditCursor(cursor: string | undefined): number | null {
  if (cursor === undefined) return null;
  const match = cursorPattern.exec(cursor);
  if (!match) {
    throw new AppError(ErrorCode.validationFailed, 400, 'The request is not valid', {
      details: { fields: [{ location: 'query', path: 'cursor', code: 'invalid_cursor', message: 'Not an audit cursor' }] },
    });
  }
  return Number(match[1]);
}

/**
 * The acting user is matched on user_uuid (it survives the user's deletion); while the user
 * exists, user_id narrows the scan to the rows of the (user_id, created_at) index.
 */
async function userIdFor(db: Database, filter: AuditFilter): Promise<number | null> {
  if (!filter.userUuid) return null;
  const user = await db.models.User.findOne({ where: { uuid: filter.userUuid }, attributes: ['id'] });
  return user ? Number(user.id) : null;
}

function whereFor(filter: AuditFilter, userId: number | null, beforeId: number | null): WhereOptions<AuditLog> {
  const createdAt: Record<symbol, Date> = {};
  if (filter.from) createdAt[Op.gte] = new Date(filter.from);
  if (filter.to) createdAt[Op.lte] = new Date(filter.to);
  return {
    ...(filter.userUuid ? { userUuid: filter.userUuid } : {}),
    ...(userId !== null ? { userId } : {}),
    ...(filter.action ? { action: filter.action } : {}),
    ...(filter.targetType ? { targetType: filter.targetType } : {}),
    ...(filter.targetId ? { targetId: filter.targetId } : {}),
    ...(filter.success ? { success: filter.success === 'true' } : {}),
    ...(filter.from || filter.to ? { createdAt } : {}),
    ...(beforeId !== null ? { id: { [Op.lt]: beforeId } } : {}),
  };
}

export function toAuditEntry(row: AuditLog): AuditEntry {
  return {
    id: Number(row.id),
    userId: row.userUuid ?? null,
    action: row.action,
    targetType: (row.targetType ?? null) as AuditEntry['targetType'],
    targetId: row.targetId ?? null,
    ip: row.ip ?? null,
    userAgent: row.userAgent ?? null,
    success: Boolean(row.success),
    details: (row.details ?? null) as AuditEntry['details'],
    createdAt: row.createdAt.toISOString(),
  };
}

export async function readAuditPage(
  db: Database,
  filter: AuditFilter,
  page: { cursor?: string | undefined; limit?: number | undefined },
): Promise<AuditPageResponse> {
  const limit = page.limit ?? defaultAuditPageSize;
  const beforeId = parseAuditCursor(page.cursor);
  const rows = await db.models.AuditLog.findAll({
    where: whereFor(filter, await userIdFor(db, filter), beforeId),
    order: [['id', 'DESC']],
    limit: limit + 1,
  });
  const entries = rows.slice(0, limit).map(toAuditEntry);
  const last = entries[entries.length - 1];
  return { entries, nextCursor: rows.length > limit && last ? `a1.${last.id}` : null };
}

/** Every entry matching the filter (from the cursor on), newest first, read in batches. */
export async function* readAuditEntries(db: Database, filter: AuditFilter, cursor?: string): AsyncGenerator<AuditEntry> {
  let beforeId = parseAuditCursor(cursor);
  const userId = await userIdFor(db, filter);
  for (;;) {
    const rows = await db.models.AuditLog.findAll({
      where: whereFor(filter, userId, beforeId),
      order: [['id', 'DESC']],
      limit: exportBatchSize,
    });
    for (const row of rows) yield toAuditEntry(row);
    if (rows.length < exportBatchSize) return;
    beforeId = Number(rows[rows.length - 1]!.id);
  }
}

/** The CSV columns: the fields of an audit entry in the contract, in its order. */
export const auditCsvColumns = [
  'id',
  'createdAt',
  'userId',
  'action',
  'targetType',
  'targetId',
  'success',
  'ip',
  'userAgent',
  'details',
] as const satisfies readonly (keyof AuditEntry)[];

/**
 * One RFC 4180 field. Cells a spreadsheet would run as a formula (=, +, -, @, tab, CR) get a
 * leading apostrophe: user agents and targets are chosen by whoever sent the request.
 */
export function csvField(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function auditCsvRow(entry: AuditEntry): string {
  return `${auditCsvColumns.map((column) => csvField(entry[column])).join(',')}\r\n`;
}

export const auditCsvHeader = `${auditCsvColumns.join(',')}\r\n`;

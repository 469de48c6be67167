// The admin use cases (DESIGN §1 admin, §7 admin): users (role, status, unlock), organisation
// settings, and the audit log. Every change is audited with its old and new values.
import {
  ErrorCode,
  type AdminUser,
  type AuditVerificationResponse,
  type ListUsersResponse,
  type OrganisationSettings,
  type Role,
  type listUsersQuerySchema,
  type updateUserBodySchema,
} from '@secureaccess/shared/contract';
import { literal, Op, type Transaction, type WhereOptions } from 'sequelize';
import type { z } from 'zod';
import type { Database, User, UserStatus } from '../../db';
import { AppError } from '../../http/app-error';
import { auditSubject, lockActorRow, type RequestActor } from '../accounts/request-actor';
import { appendAudit, verifyAuditChain } from '../audit/audit-chain';
import { toUserSummary } from '../auth/auth-service';
import { unlockUser } from '../auth/lockout';
import { invalidateAllSessions } from '../sessions/session-service';
import { readOrganisationSettings, writeOrganisationSettings } from './organisation-settings';

type ListUsersQuery = z.output<typeof listUsersQuerySchema>;
type UpdateUserInput = z.output<typeof updateUserBodySchema>;

export interface AdminServiceDeps {
  db: Database;
  clock: () => Date;
}

export const defaultUserPageSize = 50;
// `u1.<id>`: the next page holds the users after this id.
const userCursorPattern = /^u1\.([1-9]\d{0,15})$/;

function invalid(path: string, location: 'query' | 'body', code: string, message: string): AppError {
  return new AppError(ErrorCode.validationFailed, 400, 'The request is not valid', {
    details: { fields: [{ location, path, code, message }] },
  });
}

/**
 * `LIKE '%…%'` on a column where `%` and `_` typed by the admin are literal characters. The escape
 * character is `!` because a backslash is spelt differently in MySQL and SQLite string literals.
 */
function containsLiteral(db: Database, column: string, text: string) {
  const pattern = `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
  const name = db.sequelize.getQueryInterface().quoteIdentifier(column);
  return literal(`${name} LIKE ${db.sequelize.escape(pattern)} ESCAPE '!'`);
}

function toAdminUser(user: User, mfaEnabled: boolean): AdminUser {
  return {
    ...toUserSummary(user),
    status: user.status,
    mfaEnabled,
    failedLoginAttempts: Number(user.failedLoginAttempts),
    lockedUntil: user.lockedUntil ? user.lockedUntil.toISOString() : null,
    lastLoginAt: user.lastLoginAt ? user.lastLoginAt.toISOString() : null,
    createdAt: user.createdAt.toISOString(),
  };
}

export function createAdminService({ db, clock }: AdminServiceDeps) {
  const { User: Users, UserMfa } = db.models;

  async function mfaEnabledUserIds(userIds: number[], transaction?: Transaction): Promise<Set<number>> {
    if (userIds.length === 0) return new Set();
    const rows = await UserMfa.findAll({
      where: { userId: { [Op.in]: userIds }, enabledAt: { [Op.ne]: null } },
      attributes: ['userId'],
      ...(transaction ? { transaction } : {}),
    });
    return new Set(rows.map((row) => Number(row.userId)));
  }

  /**
   * Locks every active admin, in id order, and returns their ids. Every admin user change takes
   * these locks first: the actor is one of them (so the audit row's reference to the actor cannot
   * deadlock against a login, see lockActorRow), two admins editing users at once queue here in
   * one order, and the last-admin check below reads a count nobody can change under it.
   */
  async function lockActiveAdmins(transaction: Transaction): Promise<number[]> {
    const admins = await Users.findAll({
      where: { role: 'admin', status: 'active' },
      attributes: ['id'],
      order: [['id', 'ASC']],
      lock: transaction.LOCK.UPDATE,
      transaction,
    });
    return admins.map((admin) => Number(admin.id));
  }

  return {
    async listUsers(query: ListUsersQuery): Promise<ListUsersResponse> {
      const limit = query.limit ?? defaultUserPageSize;
      let afterId: number | null = null;
      if (query.cursor !== undefined) {
        const match = userCursorPattern.exec(query.cursor);
        if (!match) throw invalid('cursor', 'query', 'invalid_cursor', 'Not a users cursor');
        afterId = Number(match[1]);
      }
      const where: WhereOptions<User> = {
        ...(query.role ? { role: query.role } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(afterId !== null ? { id: { [Op.gt]: afterId } } : {}),
        ...(query.q ? { [Op.or]: ['email', 'first_name', 'last_name'].map((column) => containsLiteral(db, column, query.q!)) } : {}),
      };
      const rows = await Users.findAll({ where, order: [['id', 'ASC']], limit: limit + 1 });
      const page = rows.slice(0, limit);
      const mfa = await mfaEnabledUserIds(page.map((user) => Number(user.id)));
      const last = page[page.length - 1];
      return {
        users: page.map((user) => toAdminUser(user, mfa.has(Number(user.id)))),
        nextCursor: rows.length > limit && last ? `u1.${Number(last.id)}` : null,
      };
    },

    /**
     * Role, status and unlock in one transaction with its audit row. Deactivating or locking a
     * user revokes every session they have (their access tokens are blacklisted at once).
     */
    async updateUser(actor: RequestActor, uuid: string, body: UpdateUserInput): Promise<AdminUser> {
      if (body.unlock && body.status === 'locked') {
        throw invalid('unlock', 'body', 'invalid', 'Cannot unlock and lock in one request');
      }
      const now = clock();
      const meta = { ip: actor.ip, userAgent: actor.userAgent, now };
      const sessionActor = { userId: actor.principal.userId, userUuid: actor.principal.userUuid, tokenId: actor.principal.tokenId };
      return db.transaction(async (transaction) => {
        const activeAdmins = await lockActiveAdmins(transaction);
        const before = await Users.findOne({ where: { uuid }, transaction, lock: transaction.LOCK.UPDATE });
        if (!before) throw AppError.notFound('No such user');
        const newRole: Role = body.role ?? before.role;
        const newStatus: UserStatus = body.status ?? before.status;
        const losesAdmin = before.role === 'admin' && before.status === 'active' && (newRole !== 'admin' || newStatus !== 'active');
        if (losesAdmin && activeAdmins.every((id) => id === Number(before.id))) {
          throw new AppError(ErrorCode.lastAdmin, 409, 'This is the last active admin: make another user admin first');
        }

        const old = { role: before.role, status: before.status, lockedUntil: before.lockedUntil?.toISOString() ?? null };
        if (body.unlock) await unlockUser(db, Number(before.id), { actor: sessionActor, meta, transaction });
        const changes: Partial<{ role: Role; status: UserStatus }> = {};
        if (body.role !== undefined && body.role !== before.role) changes.role = body.role;
        if (body.status !== undefined && body.status !== before.status) changes.status = body.status;
        if (Object.keys(changes).length > 0) {
          await Users.update({ ...changes, updatedAt: now }, { where: { id: before.id }, transaction, silent: true });
        }

        // The authenticator reads role and status from the database on every request, so a new
        // role applies at once; an inactive or locked user must also lose every session now.
        let revokedSessions = 0;
        if (changes.status === 'inactive' || changes.status === 'locked') {
          const revoked = await invalidateAllSessions(db, sessionActor, {
            reason: 'user_deactivated',
            meta,
            userId: Number(before.id),
            transaction,
          });
          revokedSessions = revoked.length;
        }

        const after = (await Users.findByPk(before.id, { transaction }))!;
        await appendAudit(
          db,
          {
            ...auditSubject(actor),
            action: 'admin.user_update',
            targetType: 'user',
            targetId: after.uuid,
            success: true,
            details: {
              old,
              new: { role: after.role, status: after.status, lockedUntil: after.lockedUntil?.toISOString() ?? null },
              unlocked: Boolean(body.unlock),
              revokedSessions,
            },
          },
          { transaction, clock },
        );
        const mfa = await mfaEnabledUserIds([Number(after.id)], transaction);
        return toAdminUser(after, mfa.has(Number(after.id)));
      });
    },

    /**
     * The chain check of `npm run audit:verify` (the same verifyAuditChain), for the admin
     * console. Reading is not audited, like reading the log itself.
     */
    async verifyAudit(): Promise<AuditVerificationResponse> {
      const verifiedAt = clock().toISOString();
      const result = await verifyAuditChain(db);
      const verification = result.ok
        ? { ok: true as const, checked: result.checked }
        : { ok: false as const, checked: result.checked, brokenAt: result.brokenAt, problem: result.problem };
      return { verification, verifiedAt };
    },

    getSettings(): Promise<OrganisationSettings> {
      return readOrganisationSettings(db);
    },

    async putSettings(actor: RequestActor, settings: OrganisationSettings): Promise<OrganisationSettings> {
      const now = clock();
      return db.transaction(async (transaction) => {
        await lockActorRow(db, actor, transaction);
        const old = await writeOrganisationSettings(db, settings, { updatedBy: actor.principal.userId, now, transaction });
        const current = await readOrganisationSettings(db, transaction);
        await appendAudit(
          db,
          {
            ...auditSubject(actor),
            action: 'settings.update',
            targetType: 'settings',
            targetId: 'organisation',
            success: true,
            details: { old, new: current },
          },
          { transaction, clock },
        );
        return current;
      });
    },
  };
}

export type AdminService = ReturnType<typeof createAdminService>;

// The vault's use cases (DESIGN §7 accounts, §8 access): every operation is scoped to the caller,
// every change takes the next change sequence of the caller's vault and bumps the account's
// revision, and every change or access decision leaves a row in the audit chain in the same
// transaction as the change it records.
import {
  ErrorCode,
  parseIfMatchRevision,
  type AccessDecision,
  type Account,
  type AccountUsedResponse,
  type ListAccountsResponse,
  type ReleasedAccountResponse,
} from '@secureaccess/shared/contract';
import {
  legacyPlaintextFields,
  type createAccountBodySchema,
  type encryptLegacyAccountSchema,
  type EncryptLegacyAccountsResponse,
  type updateAccountBodySchema,
} from '@secureaccess/shared/contract';
import { ForeignKeyConstraintError, Op, UniqueConstraintError, type Transaction } from 'sequelize';
import type { z } from 'zod';
import { encryptedColumn, legacyColumn, type Database, type StoredAccount } from '../../db';
import { AppError } from '../../http/app-error';
import { toJsonText, type JsonText } from '../../json-text';
import { appendAudit, type AuditEntry } from '../audit/audit-chain';
import { accessDeclinedError, decideApplicationAccess } from '../applications/access-decision';
import {
  allocateChangeSeqs,
  findOwnAccount,
  findOwnAccountsByUuid,
  listOwnAccounts,
  listOwnTombstones,
  readVaultChangeSeq,
  resolveApplicationIds,
  serializeEnvelope,
  toAccount,
  toSecretColumns,
} from './account-store';
import { auditSubject, lockActorRow, type RequestActor } from './request-actor';

type CreateAccountInput = z.output<typeof createAccountBodySchema>;
type UpdateAccountInput = z.output<typeof updateAccountBodySchema>;
type EncryptLegacyInput = z.output<typeof encryptLegacyAccountSchema>;

/** Trashed accounts are removed for good (leaving a tombstone) after this long. */
export const trashRetentionDays = 30;
const msPerDay = 24 * 60 * 60 * 1000;

export interface AccountServiceDeps {
  db: Database;
  clock: () => Date;
}

/** One problem in a request field, in the shape mountRoute reports validation failures. */
interface FieldProblem {
  location: 'body' | 'query' | 'headers';
  path: string;
  code: string;
  message: string;
}

function fieldsError(status: 400 | 409, problems: FieldProblem[]): AppError {
  return status === 409
    ? new AppError(ErrorCode.conflict, 409, 'An account with this uuid already exists', { details: { fields: problems } })
    : new AppError(ErrorCode.validationFailed, 400, 'The request is not valid', { details: { fields: problems } });
}

// ---- delta sync cursor ------------------------------------------------------------------------
// Opaque to clients (DESIGN §7): `v1.<change_seq>`, the last vault change the answer includes.
const cursorPattern = /^v1\.(0|[1-9]\d{0,15})$/;

export function formatVaultCursor(changeSeq: number): string {
  return `v1.${changeSeq}`;
}

function parseVaultCursor(cursor: string): number {
  const match = cursorPattern.exec(cursor);
  if (!match) throw invalidCursor();
  return Number(match[1]);
}

/**
 * The application was deleted between the lookup and the insert (a concurrent forced delete):
 * the foreign key refuses the link, which is the same answer as an unknown application.
 */
function rethrowUnknownApplication(error: unknown, path = 'applicationId'): never {
  if (error instanceof ForeignKeyConstraintError) {
    throw fieldsError(400, [{ location: 'body', path, code: 'unknown_application', message: 'No such application' }]);
  }
  throw error;
}

function invalidCursor(): AppError {
  return fieldsError(400, [
    { location: 'query', path: 'since', code: 'invalid_cursor', message: 'Not a cursor of this vault: sync in full' },
  ]);
}

// ---- service ----------------------------------------------------------------------------------

export function createAccountService({ db, clock }: AccountServiceDeps) {
  const { StoredAccount, StoredAccountTombstone } = db.models;

  function audit(actor: RequestActor, entry: Omit<AuditEntry, 'userId' | 'userUuid' | 'ip' | 'userAgent'>, transaction: Transaction) {
    return appendAudit(db, { ...auditSubject(actor), ...entry }, { transaction, clock });
  }

  async function applicationIdFor(uuid: string | null | undefined, transaction: Transaction, path = 'applicationId') {
    if (uuid === null || uuid === undefined) return null;
    const id = (await resolveApplicationIds(db, [uuid], transaction)).get(uuid);
    if (id === undefined) {
      throw fieldsError(400, [{ location: 'body', path, code: 'unknown_application', message: 'No such application' }]);
    }
    return id;
  }

  async function reload(row: StoredAccount, transaction: Transaction): Promise<Account> {
    const fresh = await findOwnAccount(db, Number(row.userId), row.uuid, transaction);
    return toAccount(fresh!);
  }

  /** The account or a 404; another user's uuid is indistinguishable from an unknown one. */
  async function ownAccountOr404(userId: number, uuid: string, transaction?: Transaction) {
    const row = await findOwnAccount(db, userId, uuid, transaction);
    if (!row) throw AppError.notFound('No such account');
    return row;
  }

  return {
    /**
     * `changeSeqReadInRequest`: the vault's change sequence as this request already read it
     * (the authenticator's query, Principal.vaultChangeSeq), which is as good as reading it here
     * first; absent, it is read here.
     */
    async list(actor: RequestActor, since: string | undefined, changeSeqReadInRequest?: number): Promise<JsonText<ListAccountsResponse>> {
      const userId = actor.principal.userId;
      const sinceSeq = since === undefined ? null : parseVaultCursor(since);
      // No transaction (on SQLite that would queue behind every writer): the change sequence is
      // read first, then only rows and tombstones up to it. Changes of one vault commit in
      // sequence order (allocateChangeSeqs locks the user's row), so every change up to the value
      // read has committed, and anything later is left to the next delta — the cursor, the rows
      // and the tombstones still describe one moment. An unchanged vault costs no read beyond
      // the authenticator's.
      const current = changeSeqReadInRequest ?? (await readVaultChangeSeq(db, userId));
      if (sinceSeq !== null && sinceSeq > current) throw invalidCursor();
      const cursor = formatVaultCursor(current);
      if (sinceSeq === current) return toJsonText<ListAccountsResponse>({ accounts: [], tombstones: [], cursor });
      const [accounts, tombstones] = await Promise.all([
        listOwnAccounts(db, userId, { sinceSeq, untilSeq: current }),
        sinceSeq === null ? [] : listOwnTombstones(db, userId, { sinceSeq, untilSeq: current }),
      ]);
      // The accounts are JSON text already (accountJson): the answer splices them in.
      return toJsonText<ListAccountsResponse>({ accounts, tombstones, cursor });
    },

    async create(actor: RequestActor, body: CreateAccountInput): Promise<Account> {
      const userId = actor.principal.userId;
      const now = clock();
      return db.transaction(async (transaction) => {
        const applicationId = await applicationIdFor(body.applicationId, transaction);
        const changeSeq = await allocateChangeSeqs(db, userId, 1, transaction);
        if (await StoredAccount.findOne({ where: { userId, uuid: body.uuid }, attributes: ['id'], transaction })) {
          throw fieldsError(409, [{ location: 'body', path: 'uuid', code: 'already_exists', message: 'This uuid is taken' }]);
        }
        await StoredAccountTombstone.destroy({ where: { userId, uuid: body.uuid }, transaction });
        const row = await StoredAccount.create(
          {
            uuid: body.uuid,
            userId,
            applicationId,
            ...toSecretColumns(body),
            revision: 1,
            changeSeq,
            createdAt: now,
            updatedAt: now,
          },
          { transaction, silent: true },
        );
        await audit(
          actor,
          {
            action: 'account.create',
            targetType: 'account',
            targetId: body.uuid,
            success: true,
            details: { revision: 1, applicationId: body.applicationId ?? null },
          },
          transaction,
        );
        return reload(row, transaction);
      }).catch((error: unknown) => rethrowUnknownApplication(error));
    },

    /** All or nothing: every row is checked first and every problem reported with its index. */
    async bulkCreate(actor: RequestActor, accounts: CreateAccountInput[]): Promise<Account[]> {
      const userId = actor.principal.userId;
      const now = clock();
      const uuids = accounts.map((a) => a.uuid);
      try {
        return await db.transaction(async (transaction) => {
          const applicationIds = await resolveApplicationIds(
            db,
            accounts.flatMap((a) => (a.applicationId ? [a.applicationId] : [])),
            transaction,
          );
          const first = await allocateChangeSeqs(db, userId, accounts.length, transaction);
          const taken = new Set(
            (await StoredAccount.findAll({ where: { userId, uuid: { [Op.in]: uuids } }, attributes: ['uuid'], transaction })).map(
              (row) => row.uuid,
            ),
          );
          const unknownApplications: FieldProblem[] = [];
          const duplicates: FieldProblem[] = [];
          accounts.forEach((account, index) => {
            if (account.applicationId && !applicationIds.has(account.applicationId)) {
              unknownApplications.push({
                location: 'body',
                path: `accounts.${index}.applicationId`,
                code: 'unknown_application',
                message: 'No such application',
              });
            }
            if (taken.has(account.uuid)) {
              duplicates.push({ location: 'body', path: `accounts.${index}.uuid`, code: 'already_exists', message: 'This uuid is taken' });
            }
          });
          if (unknownApplications.length > 0) throw fieldsError(400, [...unknownApplications, ...duplicates]);
          if (duplicates.length > 0) throw fieldsError(409, duplicates);

          await StoredAccountTombstone.destroy({ where: { userId, uuid: { [Op.in]: uuids } }, transaction });
          const records = accounts.map((account, index) => ({
            uuid: account.uuid,
            userId,
            applicationId: account.applicationId ? applicationIds.get(account.applicationId)! : null,
            ...toSecretColumns(account),
            revision: 1,
            changeSeq: first + index,
            createdAt: now,
            updatedAt: now,
          }));
          // One multi-row INSERT for the batch; no per-row hooks, validation or instance to build.
          await StoredAccount.bulkCreate(records, { transaction, hooks: false, validate: false, returning: false });
          await audit(
            actor,
            { action: 'account.bulk_create', targetType: 'account', targetId: null, success: true, details: { count: accounts.length } },
            transaction,
          );
          // The answer is what was just written (timestamps have the column's millisecond precision).
          return records.map((record, index) => {
            const applicationUuid = accounts[index]!.applicationId;
            return toAccount({
              ...record,
              application: applicationUuid ? { uuid: applicationUuid } : null,
              lastAccessedAt: null,
              deletedAt: null,
            });
          });
        });
      } catch (error) {
        // Another request of this user cannot interleave (the change sequence locks the vault),
        // so this only fires if that guarantee is ever broken; answer as a conflict, not a 500.
        if (error instanceof UniqueConstraintError) {
          throw new AppError(ErrorCode.conflict, 409, 'An account with one of these uuids already exists');
        }
        rethrowUnknownApplication(error, 'accounts');
      }
    },

    /**
     * Protocol v1.1 upgrade (docs/protocol.md §7.6): replaces the plaintext url/folder of the
     * caller's v1 rows by the envelopes the client made from them. A row is skipped (left as it
     * was, listed in `skipped`) when it is not the caller's, its revision moved since the client
     * read it, or it is no longer a v1 row. The envelopes must mirror the plaintext: a field that
     * was null stays null, one that was set must be an envelope — so the upgrade cannot drop or
     * invent data. Readers may upgrade too: the content does not change, only its protection.
     */
    async encryptLegacy(actor: RequestActor, accounts: EncryptLegacyInput[]): Promise<EncryptLegacyAccountsResponse> {
      const userId = actor.principal.userId;
      const now = clock();
      return db.transaction(async (transaction) => {
        await lockActorRow(db, actor, transaction);
        const rows = new Map(
          (await findOwnAccountsByUuid(db, userId, accounts.map((a) => a.uuid), transaction)).map((row) => [row.uuid, row]),
        );
        const mismatches: FieldProblem[] = [];
        const eligible: { row: StoredAccount; account: EncryptLegacyInput }[] = [];
        const skipped: string[] = [];
        accounts.forEach((account, index) => {
          const row = rows.get(account.uuid);
          const isLegacy = row !== undefined && legacyPlaintextFields.some((field) => row[legacyColumn(field)] !== null);
          if (!row || !isLegacy || Number(row.revision) !== account.revision) {
            skipped.push(account.uuid);
            return;
          }
          for (const field of legacyPlaintextFields) {
            if ((row[legacyColumn(field)] === null) !== (account[field] === null)) {
              mismatches.push({
                location: 'body',
                path: `accounts.${index}.${field}`,
                code: 'legacy_mismatch',
                message: row[legacyColumn(field)] === null ? 'Must be null: the account has no ' + field : `Must encrypt the account's ${field}`,
              });
            }
          }
          eligible.push({ row, account });
        });
        if (mismatches.length > 0) throw fieldsError(400, mismatches);
        if (eligible.length === 0) return { accounts: [], skipped };

        const first = await allocateChangeSeqs(db, userId, eligible.length, transaction);
        for (const [offset, { row, account }] of eligible.entries()) {
          const columns: Record<string, string | null> = {};
          for (const field of legacyPlaintextFields) {
            columns[encryptedColumn(field)] = serializeEnvelope(account[field]);
            columns[legacyColumn(field)] = null;
          }
          await StoredAccount.update(
            { ...columns, revision: account.revision + 1, changeSeq: first + offset, updatedAt: now },
            { where: { id: row.id, revision: account.revision }, transaction, silent: true },
          );
        }
        await audit(
          actor,
          {
            action: 'account.encrypt_legacy',
            targetType: 'account',
            targetId: null,
            success: true,
            details: { count: eligible.length, uuids: eligible.map(({ account }) => account.uuid) },
          },
          transaction,
        );
        const upgraded = await findOwnAccountsByUuid(db, userId, eligible.map(({ account }) => account.uuid), transaction);
        return { accounts: upgraded.map(toAccount), skipped };
      });
    },

    /**
     * Releases one account: when it belongs to an application, the access decision is made,
     * audited, and a declined or inactive application releases nothing (DESIGN §8).
     */
    async release(actor: RequestActor, uuid: string): Promise<ReleasedAccountResponse> {
      const row = await ownAccountOr404(actor.principal.userId, uuid);
      const access = row.application ? decideApplicationAccess(row.application, clock()) : null;
      if (access) {
        await db.transaction(async (transaction) => {
          await lockActorRow(db, actor, transaction);
          await audit(
            actor,
            { action: 'account.release', targetType: 'account', targetId: uuid, success: access.allowed, details: { access } },
            transaction,
          );
        });
        if (!access.allowed) throw accessDeclinedError(access);
      }
      return { account: toAccount(row), access };
    },

    async update(actor: RequestActor, uuid: string, ifMatch: string | undefined, body: UpdateAccountInput): Promise<Account> {
      if (ifMatch === undefined) {
        throw new AppError(ErrorCode.preconditionRequired, 428, 'Send the revision you edited in If-Match');
      }
      const expected = parseIfMatchRevision(ifMatch);
      if (expected === null) throw fieldsError(400, [{ location: 'headers', path: 'if-match', code: 'invalid', message: 'Not a revision' }]);
      const userId = actor.principal.userId;
      const now = clock();
      return db.transaction(async (transaction) => {
        const changeSeq = await allocateChangeSeqs(db, userId, 1, transaction);
        const row = await ownAccountOr404(userId, uuid, transaction);
        const applicationId = await applicationIdFor(body.applicationId, transaction);
        const current = Number(row.revision);
        if (current !== expected) throw revisionConflict(current);
        if (row.deletedAt) {
          throw new AppError(ErrorCode.conflict, 409, 'The account is in the trash: restore it first');
        }
        // Conditional on the revision the client saw: with the vault locked above this cannot
        // miss, and without the lock it would still never overwrite a newer revision.
        const [updated] = await StoredAccount.update(
          {
            applicationId,
            ...toSecretColumns(body),
            revision: expected + 1,
            changeSeq,
            updatedAt: now,
          },
          { where: { id: row.id, revision: expected }, transaction, silent: true },
        );
        if (updated !== 1) throw revisionConflict(await currentRevision(row.id, transaction));
        const previousApplication = row.application?.uuid ?? null;
        await audit(
          actor,
          {
            action: 'account.update',
            targetType: 'account',
            targetId: uuid,
            success: true,
            details: {
              revision: { old: expected, new: expected + 1 },
              ...(previousApplication !== (body.applicationId ?? null)
                ? { applicationId: { old: previousApplication, new: body.applicationId ?? null } }
                : {}),
            },
          },
          transaction,
        );
        return reload(row, transaction);
      }).catch((error: unknown) => rethrowUnknownApplication(error));
    },

    /** Moves to the trash (idempotent), or with `permanent` removes for good and leaves a tombstone. */
    async remove(actor: RequestActor, uuid: string, permanent: boolean): Promise<void> {
      const userId = actor.principal.userId;
      const now = clock();
      await db.transaction(async (transaction) => {
        const changeSeq = await allocateChangeSeqs(db, userId, 1, transaction);
        const row = await ownAccountOr404(userId, uuid, transaction);
        if (permanent) {
          await StoredAccount.destroy({ where: { id: row.id }, transaction });
          await StoredAccountTombstone.create({ userId, uuid, changeSeq, removedAt: now }, { transaction });
          await audit(
            actor,
            { action: 'account.delete', targetType: 'account', targetId: uuid, success: true, details: { permanent: true } },
            transaction,
          );
          return;
        }
        if (row.deletedAt) return;
        const revision = Number(row.revision) + 1;
        await StoredAccount.update(
          { deletedAt: now, revision, changeSeq, updatedAt: now },
          { where: { id: row.id }, transaction, silent: true },
        );
        await audit(
          actor,
          { action: 'account.trash', targetType: 'account', targetId: uuid, success: true, details: { revision } },
          transaction,
        );
      });
    },

    /** Takes an account out of the trash (an account not in the trash is returned as is). */
    async restore(actor: RequestActor, uuid: string): Promise<Account> {
      const userId = actor.principal.userId;
      const now = clock();
      return db.transaction(async (transaction) => {
        const changeSeq = await allocateChangeSeqs(db, userId, 1, transaction);
        const row = await ownAccountOr404(userId, uuid, transaction);
        if (!row.deletedAt) return toAccount(row);
        const revision = Number(row.revision) + 1;
        await StoredAccount.update(
          { deletedAt: null, revision, changeSeq, updatedAt: now },
          { where: { id: row.id }, transaction, silent: true },
        );
        await audit(
          actor,
          { action: 'account.restore', targetType: 'account', targetId: uuid, success: true, details: { revision } },
          transaction,
        );
        return reload(row, transaction);
      });
    },

    /**
     * Records that the user filled or copied the account. Not a vault change: no revision or
     * change sequence (a fill must not make another device's pending edit conflict).
     */
    async markUsed(actor: RequestActor, uuid: string): Promise<AccountUsedResponse> {
      const userId = actor.principal.userId;
      const now = clock();
      const outcome = await db.transaction(async (transaction) => {
        await lockActorRow(db, actor, transaction);
        const row = await ownAccountOr404(userId, uuid, transaction);
        const access: AccessDecision | null = row.application ? decideApplicationAccess(row.application, now) : null;
        const allowed = access === null || access.allowed;
        if (allowed) {
          await StoredAccount.update({ lastAccessedAt: now }, { where: { id: row.id }, transaction, silent: true });
        }
        await audit(
          actor,
          { action: 'account.credential_used', targetType: 'account', targetId: uuid, success: allowed, details: { access } },
          transaction,
        );
        return { access, allowed };
      });
      // Thrown after the commit: the refusal itself stays in the audit log.
      if (!outcome.allowed) throw accessDeclinedError(outcome.access!);
      return { lastAccessedAt: now.toISOString(), access: outcome.access };
    },
  };

  function revisionConflict(current: number): AppError {
    return new AppError(ErrorCode.revisionConflict, 409, `The account changed since: its revision is ${current}`, {
      details: { currentRevision: current },
    });
  }

  async function currentRevision(id: number, transaction: Transaction): Promise<number> {
    const row = await StoredAccount.findByPk(id, { attributes: ['id', 'revision'], transaction });
    return Number(row?.revision);
  }
}

export type AccountService = ReturnType<typeof createAccountService>;

/**
 * The cleanup job's part of the vault: accounts in the trash for longer than the retention are
 * removed for good, one user at a time, each leaving a tombstone and an audit row.
 */
export async function purgeExpiredTrash(
  { db, clock }: AccountServiceDeps,
  retentionDays = trashRetentionDays,
): Promise<{ accounts: number; users: number }> {
  const { StoredAccount, StoredAccountTombstone, User } = db.models;
  const now = clock();
  const cutoff = new Date(now.getTime() - retentionDays * msPerDay);
  const owners = await StoredAccount.findAll({
    where: { deletedAt: { [Op.lt]: cutoff } },
    attributes: ['userId'],
    group: ['userId'],
  });
  let accounts = 0;
  let users = 0;
  for (const userId of owners.map((row) => Number(row.userId)).sort((a, b) => a - b)) {
    const purged = await db.transaction(async (transaction) => {
      const expired = await StoredAccount.findAll({
        where: { userId, deletedAt: { [Op.lt]: cutoff } },
        attributes: ['id', 'uuid'],
        order: [['id', 'ASC']],
        transaction,
      });
      if (expired.length === 0) return 0;
      const first = await allocateChangeSeqs(db, userId, expired.length, transaction);
      // Re-read under the vault lock: a restore may have committed in between.
      const stillExpired = await StoredAccount.findAll({
        where: { id: { [Op.in]: expired.map((row) => row.id) }, deletedAt: { [Op.lt]: cutoff } },
        attributes: ['id', 'uuid'],
        order: [['id', 'ASC']],
        transaction,
      });
      if (stillExpired.length === 0) return 0;
      await StoredAccount.destroy({ where: { id: { [Op.in]: stillExpired.map((row) => row.id) } }, transaction });
      await StoredAccountTombstone.bulkCreate(
        stillExpired.map((row, index) => ({ userId, uuid: row.uuid, changeSeq: first + index, removedAt: now })),
        { transaction },
      );
      const owner = await User.findByPk(userId, { attributes: ['id', 'uuid'], transaction });
      await appendAudit(
        db,
        {
          action: 'account.trash_purged',
          targetType: 'user',
          targetId: owner?.uuid ?? null,
          success: true,
          details: { count: stillExpired.length, retentionDays, uuids: stillExpired.map((row) => row.uuid) },
        },
        { transaction, clock },
      );
      return stillExpired.length;
    });
    if (purged > 0) {
      accounts += purged;
      users += 1;
    }
  }
  return { accounts, users };
}

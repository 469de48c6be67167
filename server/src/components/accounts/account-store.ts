// Data access for the vault: stored_accounts, their tombstones and the per-user change sequence.
// Every query takes the owner's user id: there is no way to load an account without it.
import type { Account, Envelope } from '@secureaccess/shared/contract';
import { Op, type Transaction } from 'sequelize';
import type { Database, StoredAccount } from '../../db';

/**
 * Takes the next `count` values of the user's vault change sequence and returns the first.
 * The UPDATE locks the user's row until the transaction ends, so the vault changes of one user
 * are serialised and their change_seq values commit in order: a delta read never sees seq n+1
 * without n (DESIGN §7, delta sync).
 */
export async function allocateChangeSeqs(
  db: Database,
  userId: number,
  count: number,
  transaction: Transaction,
): Promise<number> {
  const { User } = db.models;
  await User.increment('vaultChangeSeq', { by: count, where: { id: userId }, transaction, silent: true });
  const last = await readVaultChangeSeq(db, userId, transaction);
  return last - count + 1;
}

export async function readVaultChangeSeq(db: Database, userId: number, transaction: Transaction): Promise<number> {
  const user = await db.models.User.findByPk(userId, { attributes: ['id', 'vaultChangeSeq'], transaction });
  if (!user) throw new Error(`user ${userId} does not exist`);
  return Number(user.vaultChangeSeq);
}

const withApplication = (db: Database) => ({
  model: db.models.Application,
  as: 'application',
  required: false,
});

/** The caller's account with its application, or null (someone else's uuid is null too). */
export function findOwnAccount(
  db: Database,
  userId: number,
  uuid: string,
  transaction?: Transaction,
): Promise<StoredAccount | null> {
  return db.models.StoredAccount.findOne({
    where: { userId, uuid },
    include: [withApplication(db)],
    ...(transaction ? { transaction } : {}),
  });
}

export function findOwnAccountsByUuid(
  db: Database,
  userId: number,
  uuids: string[],
  transaction: Transaction,
): Promise<StoredAccount[]> {
  return db.models.StoredAccount.findAll({
    where: { userId, uuid: { [Op.in]: uuids } },
    include: [withApplication(db)],
    transaction,
  });
}

/** Every account of the user (trash included), or those changed after `sinceSeq`. */
export function listOwnAccounts(
  db: Database,
  userId: number,
  sinceSeq: number | null,
  transaction: Transaction,
): Promise<StoredAccount[]> {
  return db.models.StoredAccount.findAll({
    where: sinceSeq === null ? { userId } : { userId, changeSeq: { [Op.gt]: sinceSeq } },
    include: [withApplication(db)],
    order: [['changeSeq', 'ASC']],
    transaction,
  });
}

export async function listOwnTombstonesSince(db: Database, userId: number, sinceSeq: number, transaction: Transaction) {
  return db.models.StoredAccountTombstone.findAll({
    where: { userId, changeSeq: { [Op.gt]: sinceSeq } },
    order: [['changeSeq', 'ASC']],
    transaction,
  });
}

/** The caller's live (not trashed) account uuids per application id. */
export async function listLiveAccountUuidsByApplication(
  db: Database,
  userId: number,
  applicationIds: number[],
): Promise<Map<number, string[]>> {
  const byApplication = new Map<number, string[]>();
  if (applicationIds.length === 0) return byApplication;
  const rows = await db.models.StoredAccount.findAll({
    where: { userId, applicationId: { [Op.in]: applicationIds }, deletedAt: null },
    attributes: ['uuid', 'applicationId'],
    order: [['id', 'ASC']],
  });
  for (const row of rows) {
    const key = Number(row.applicationId);
    byApplication.set(key, [...(byApplication.get(key) ?? []), row.uuid]);
  }
  return byApplication;
}

/** Application ids by uuid, for the uuids that exist. */
export async function resolveApplicationIds(
  db: Database,
  uuids: string[],
  transaction: Transaction,
): Promise<Map<string, number>> {
  if (uuids.length === 0) return new Map();
  const rows = await db.models.Application.findAll({
    where: { uuid: { [Op.in]: [...new Set(uuids)] } },
    attributes: ['id', 'uuid'],
    transaction,
  });
  return new Map(rows.map((row) => [row.uuid, Number(row.id)]));
}

/** Envelopes are stored as their JSON text; the server never looks inside. */
export function serializeEnvelope(envelope: Envelope): string;
export function serializeEnvelope(envelope: Envelope | null | undefined): string | null;
export function serializeEnvelope(envelope: Envelope | null | undefined): string | null {
  return envelope ? JSON.stringify(envelope) : null;
}

export function toAccount(row: StoredAccount): Account {
  return {
    uuid: row.uuid,
    applicationId: row.application?.uuid ?? null,
    url: row.url ?? null,
    folder: row.folder ?? null,
    username: JSON.parse(row.encryptedUsername) as Envelope,
    password: JSON.parse(row.encryptedPassword) as Envelope,
    notes: row.encryptedNotes ? (JSON.parse(row.encryptedNotes) as Envelope) : null,
    revision: Number(row.revision),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    lastAccessedAt: row.lastAccessedAt ? row.lastAccessedAt.toISOString() : null,
    deletedAt: row.deletedAt ? row.deletedAt.toISOString() : null,
  };
}

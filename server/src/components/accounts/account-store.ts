// Data access for the vault: stored_accounts, their tombstones and the per-user change sequence.
// Every query takes the owner's user id: there is no way to load an account without it.
import {
  legacyPlaintextFields,
  mapSecretFields,
  secretFields,
  type Account,
  type AccountSecrets,
  type ListAccountsResponse,
  type Envelope,
  type SecretField,
} from '@secureaccess/shared/contract';
import { Op, type InferCreationAttributes, type Transaction } from 'sequelize';

type AccountTombstone = ListAccountsResponse['tombstones'][number];
import { encryptedColumn, legacyColumn, readDate, readOptionalDate, selectRows, type Database, type EncryptedColumn, type LegacyColumn, type StoredAccount } from '../../db';

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

/** The user's vault change sequence (a raw read: every sync, even an empty delta, starts with it). */
export async function readVaultChangeSeq(db: Database, userId: number, transaction?: Transaction): Promise<number> {
  const [user] = await selectRows(db, 'SELECT vault_change_seq FROM users WHERE id = :userId', { userId }, transaction);
  if (!user) throw new Error(`user ${userId} does not exist`);
  return Number(user.vault_change_seq);
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

// Sync reads raw rows (no model instance per row): the list of 10 000 accounts is the biggest
// answer the API gives. The (user_id, change_seq) unique index serves both queries. The columns
// are the model's own (one loop over the secret fields), aliased to their attribute names so a
// raw row reads like a model instance in toAccount.
const accountRecordAttributes = [
  'uuid',
  'revision',
  'createdAt',
  'updatedAt',
  'lastAccessedAt',
  'deletedAt',
  ...secretFields.map(encryptedColumn),
  ...legacyPlaintextFields.map(legacyColumn),
] as const;
const dateAttributes = ['createdAt', 'updatedAt', 'lastAccessedAt', 'deletedAt'] as const;

function accountColumnsSql(db: Database): string {
  const attributes = db.models.StoredAccount.getAttributes();
  return accountRecordAttributes.map((name) => `a.${attributes[name].field ?? name} AS \`${name}\``).join(', ');
}

/**
 * Every account of the user (trash included), or those changed after `sinceSeq`, up to `untilSeq`
 * (the change sequence read before: rows changed after it are the next delta's), in change order.
 */
export async function listOwnAccounts(
  db: Database,
  userId: number,
  range: { sinceSeq: number | null; untilSeq: number },
): Promise<Account[]> {
  const rows = await selectRows(
    db,
    `SELECT ${accountColumnsSql(db)}, ap.uuid AS application_uuid
       FROM stored_accounts a LEFT JOIN application ap ON ap.id = a.application_id
      WHERE a.user_id = :userId AND a.change_seq > :sinceSeq AND a.change_seq <= :untilSeq
      ORDER BY a.change_seq`,
    { userId, sinceSeq: range.sinceSeq ?? -1, untilSeq: range.untilSeq },
  );
  return rows.map((row) => {
    for (const name of dateAttributes) row[name] = readOptionalDate(row[name]);
    row.application = row.application_uuid === null ? null : { uuid: String(row.application_uuid) };
    return toAccount(row as unknown as AccountRecord);
  });
}

export async function listOwnTombstones(
  db: Database,
  userId: number,
  range: { sinceSeq: number; untilSeq: number },
): Promise<AccountTombstone[]> {
  const rows = await selectRows(
    db,
    `SELECT uuid, removed_at FROM stored_account_tombstones
      WHERE user_id = :userId AND change_seq > :sinceSeq AND change_seq <= :untilSeq ORDER BY change_seq`,
    { userId, ...range },
  );
  return rows.map((row) => ({ uuid: String(row.uuid), removedAt: readDate(row.removed_at).toISOString() }));
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

type SecretColumns = Pick<InferCreationAttributes<StoredAccount>, EncryptedColumn | LegacyColumn>;

/**
 * The columns a write sets from the body's secret fields (one loop over the contract's list):
 * every field's envelope, null for an optional one left out, and the v1 plaintext cleared —
 * a row once written by a v1.1 client never holds url/folder in clear again.
 */
export function toSecretColumns(body: Partial<Record<SecretField, Envelope | null | undefined>>): SecretColumns {
  const columns: Record<string, string | null> = {};
  for (const field of secretFields) columns[encryptedColumn(field)] = serializeEnvelope(body[field]);
  for (const field of legacyPlaintextFields) columns[legacyColumn(field)] = null;
  return columns as SecretColumns;
}

/** `legacyPlaintext` of the contract: the v1 plaintext still in the row, or null once it is v1.1. */
function legacyPlaintextOf(row: AccountRecord): Account['legacyPlaintext'] {
  const values = legacyPlaintextFields.map((field) => row[legacyColumn(field)] ?? null);
  if (values.every((value) => value === null)) return null;
  return Object.fromEntries(legacyPlaintextFields.map((field, i) => [field, values[i]])) as NonNullable<Account['legacyPlaintext']>;
}

/** An account row as stored, read as a model instance or as a raw row (listOwnAccounts). */
export type AccountRecord = Pick<StoredAccount, 'uuid' | 'revision' | 'createdAt' | 'updatedAt' | 'lastAccessedAt' | 'deletedAt'> &
  Partial<Pick<StoredAccount, EncryptedColumn | LegacyColumn>> & {
  application?: { uuid: string } | null;
};

/** The one serializer of an account (the contract's shape). */
export function toAccount(row: AccountRecord): Account {
  const secrets = mapSecretFields<Envelope, Envelope | null>((field) => {
    const text = row[encryptedColumn(field)];
    return text ? (JSON.parse(text) as Envelope) : null;
  }) as AccountSecrets;
  return {
    uuid: row.uuid,
    applicationId: row.application?.uuid ?? null,
    ...secrets,
    legacyPlaintext: legacyPlaintextOf(row),
    revision: Number(row.revision),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    lastAccessedAt: row.lastAccessedAt ? row.lastAccessedAt.toISOString() : null,
    deletedAt: row.deletedAt ? row.deletedAt.toISOString() : null,
  };
}

// Data access for the vault: stored_accounts, their tombstones and the per-user change sequence.
// Every query takes the owner's user id: there is no way to load an account without it.
import {
  accountSchema,
  legacyPlaintextFields,
  secretFieldSpecs,
  secretFields,
  type Account,
  type ListAccountsResponse,
  type Envelope,
  type SecretField,
} from '@secureaccess/shared/contract';
import { Op, type InferCreationAttributes, type Transaction } from 'sequelize';

type AccountTombstone = ListAccountsResponse['tombstones'][number];
import { JsonText } from '../../json-text';
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
): Promise<JsonText<Account>[]> {
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
    return accountJson(row as unknown as AccountRecord);
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

// Stored envelope text goes into answers as it is when it has exactly the form serializeEnvelope
// writes (JSON.stringify of the contract's parse: keys in schema order, no spaces) and a value the
// contract accepts: v 1, A256GCM, a kid of up to 9 digits, canonical standard base64 of 12 nonce
// bytes, 16 tag bytes and a ciphertext within the field's limit (the rules of
// shared/src/crypto/base64.ts: with the length a multiple of 4, the last character before `==`
// or `=` has its unused bits zero). Such text cannot hold a quote or a backslash, so splicing it
// keeps the answer valid JSON. Anything else (another key order, a longer kid, damage) is parsed
// and checked against the contract, and re-serialised if it passes (tests/api/vault/stored-envelopes.test.ts).
const base64Char = '[A-Za-z0-9+/]';
const canonicalEnvelopeText = new RegExp(
  '^\\{"v":1,"alg":"A256GCM","kid":[1-9][0-9]{0,8},' +
    `"nonce":"${base64Char}{16}",` +
    `"ct":"${base64Char}*(?:[AQgw]==|[AEIMQUYcgkosw048]=)?",` +
    `"tag":"${base64Char}{21}[AQgw]=="\\}$`,
);
const ciphertextStart = '"ct":"';
/** `","tag":"` + 24 characters of tag + `"}`. */
const textAfterCiphertext = 35;

function isCanonicalEnvelopeText(text: string, maxBytes: number): boolean {
  if (!canonicalEnvelopeText.test(text)) return false;
  const start = text.indexOf(ciphertextStart) + ciphertextStart.length;
  const length = text.length - textAfterCiphertext - start;
  if (length % 4 !== 0) return false;
  const padding = text.charCodeAt(start + length - 1) !== 61 ? 0 : text.charCodeAt(start + length - 2) === 61 ? 2 : 1;
  return (length / 4) * 3 - padding <= maxBytes;
}

/** A stored row the contract cannot describe: a 500 whose log names the account and the column. */
function corruptAccountRow(uuid: string, what: string): Error {
  return new Error(`stored account ${uuid}: ${what} is not valid (neither the form the API writes nor a value the contract accepts)`);
}

/** Per secret field, computed once: its column, its member of the JSON object and its schema. */
const secretFieldsJson = secretFields.map((field) => ({
  field,
  column: encryptedColumn(field),
  member: `,${JSON.stringify(field)}:`,
  required: secretFieldSpecs[field].required,
  maxBytes: secretFieldSpecs[field].maxBytes,
  schema: accountSchema.shape[field],
}));

function envelopeJsonOf(row: AccountRecord, spec: (typeof secretFieldsJson)[number]): string {
  const text = row[spec.column];
  if (text === null || text === undefined || text === '') {
    if (spec.required) throw corruptAccountRow(row.uuid, spec.field);
    return 'null';
  }
  if (isCanonicalEnvelopeText(text, spec.maxBytes)) return text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw corruptAccountRow(row.uuid, spec.field);
  }
  const checked = spec.schema.safeParse(value);
  if (!checked.success || checked.data === null) throw corruptAccountRow(row.uuid, spec.field);
  return JSON.stringify(checked.data);
}

const isoJson = (date: Date) => `"${date.toISOString()}"`;

/**
 * The one serializer of an account (the contract's shape), as JSON text built from the row: the
 * stored envelopes are spliced in (see isCanonicalEnvelopeText), everything else is serialised here.
 */
export function accountJson(row: AccountRecord): JsonText<Account> {
  const revision = Number(row.revision);
  if (!Number.isSafeInteger(revision) || revision < 1) throw corruptAccountRow(row.uuid, 'revision');
  let text = `{"uuid":${JSON.stringify(row.uuid)},"applicationId":${row.application ? JSON.stringify(row.application.uuid) : 'null'}`;
  for (const spec of secretFieldsJson) text += spec.member + envelopeJsonOf(row, spec);
  const legacy = legacyPlaintextOf(row);
  text +=
    `,"legacyPlaintext":${legacy === null ? 'null' : JSON.stringify(legacy)},"revision":${revision}` +
    `,"createdAt":${isoJson(row.createdAt)},"updatedAt":${isoJson(row.updatedAt)}` +
    `,"lastAccessedAt":${row.lastAccessedAt ? isoJson(row.lastAccessedAt) : 'null'}` +
    `,"deletedAt":${row.deletedAt ? isoJson(row.deletedAt) : 'null'}}`;
  return new JsonText<Account>(text);
}

/** The account as an object (routes answering one account): accountJson, parsed. */
export function toAccount(row: AccountRecord): Account {
  return accountJson(row).parse();
}

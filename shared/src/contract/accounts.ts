import { z } from 'zod';
import { defineRoute } from './routes';
import {
  accessDecisionSchema,
  cursorSchema,
  emptyBodySchema,
  queryBooleanSchema,
  text,
  timestampSchema,
  uuidSchema,
} from './common';
import { envelopeLimits, fieldEnvelope, type Envelope } from './envelope';

export const maxBulkAccounts = 1000;

/** How one secret field of an account is stored and used (see `secretFieldSpecs`). */
export interface SecretFieldSpec {
  /** Every account has it; the others may be null (absent or empty). */
  required: boolean;
  /** Largest plaintext in UTF-8 bytes; GCM ciphertext has the plaintext's length, so the server checks it. */
  maxBytes: number;
  /** Decrypted when the vault opens (list, search, local matching); the others only when used. */
  decryptOnOpen: boolean;
  /** What the client does to the text before encrypting it (the server cannot normalise ciphertext). */
  normalize: 'none' | 'trim' | 'trim-nfc';
}

/**
 * The secret fields of an account, declared once: the contract, the server's model, store and
 * service, the extension's vault index and message protocol all loop over this declaration.
 * Each is an envelope with associated data `secureaccess/v1/<uuid>/<field>` (docs/protocol.md §5).
 * Adding a field is one line here plus a migration for its column.
 * `url` and `folder` became secret in protocol v1.1; before, they were stored in clear
 * (`legacyPlaintextFields`).
 */
export const secretFieldSpecs = {
  username: { required: true, maxBytes: envelopeLimits.maxCiphertextBytes, decryptOnOpen: true, normalize: 'none' },
  password: { required: true, maxBytes: envelopeLimits.maxCiphertextBytes, decryptOnOpen: false, normalize: 'none' },
  notes: { required: false, maxBytes: envelopeLimits.maxCiphertextBytes, decryptOnOpen: false, normalize: 'none' },
  url: { required: false, maxBytes: 8_192, decryptOnOpen: true, normalize: 'trim' },
  folder: { required: false, maxBytes: 400, decryptOnOpen: true, normalize: 'trim-nfc' },
  /** The account's own name (protocol v1.2); without one, clients show the application's name or the URL's host. */
  title: { required: false, maxBytes: 400, decryptOnOpen: true, normalize: 'trim-nfc' },
} as const satisfies Record<string, SecretFieldSpec>;

type SecretFieldSpecs = typeof secretFieldSpecs;
export type SecretField = keyof SecretFieldSpecs;
export type RequiredSecretField = { [K in SecretField]: SecretFieldSpecs[K]['required'] extends true ? K : never }[SecretField];
export type OptionalSecretField = Exclude<SecretField, RequiredSecretField>;
export const secretFields = Object.keys(secretFieldSpecs) as SecretField[];

/** A record over the secret fields: `Required` for the required ones, `Optional` for the others. */
export type SecretRecord<Required, Optional = Required | null> = { [K in RequiredSecretField]: Required } & {
  [K in OptionalSecretField]: Optional;
};

/** Plaintexts of an account's secret fields, as a client holds them; optional ones may be empty, null or left out. */
export type AccountPlaintexts = { [K in RequiredSecretField]: string } & { [K in OptionalSecretField]?: string | null };

/** The fields a client decrypts when the vault opens (`decryptOnOpen`); the others only when used. */
export type FieldDecryptedOnOpen = {
  [K in SecretField]: SecretFieldSpecs[K]['decryptOnOpen'] extends true ? K : never;
}[SecretField];

/** Builds a record over every secret field (the one loop each layer uses). */
export function mapSecretFields<Required, Optional>(
  make: (field: SecretField, spec: SecretFieldSpec) => Required | Optional,
): SecretRecord<Required, Optional> {
  return Object.fromEntries(secretFields.map((field) => [field, make(field, secretFieldSpecs[field])])) as SecretRecord<
    Required,
    Optional
  >;
}

/** Fields protocol v1 stored in clear. Rows written before v1.1 may still carry them (see `legacyPlaintext`). */
export const legacyPlaintextFields = ['url', 'folder'] as const satisfies readonly OptionalSecretField[];
export type LegacyPlaintextField = (typeof legacyPlaintextFields)[number];

/** The envelope schema of one field: its ciphertext is at most the field's `maxBytes`. */
function fieldEnvelopeSchema(field: SecretField) {
  return fieldEnvelope(secretFieldSpecs[field].maxBytes);
}

/** Account revision: 1 on creation, +1 on every update. Sent back in `If-Match` to update. */
export const revisionSchema = z.number().int().min(1);

type FieldEnvelopeSchema = ReturnType<typeof fieldEnvelope>;

/**
 * v1 rows not yet re-encrypted by their owner's client: the url and folder as v1 stored them.
 * Null once the account is v1.1 (every write makes it so). The client encrypts them and sends
 * `POST /accounts/encrypt-legacy`.
 */
export const legacyPlaintextSchema = z
  .object({ url: z.string().nullable(), folder: z.string().nullable() })
  .strict()
  .nullable();

/** An account as the server returns it. Only the catalogue link is in clear (DESIGN §5). */
export const accountSchema = z
  .object({
    uuid: uuidSchema,
    applicationId: uuidSchema.nullable(),
    ...mapSecretFields<FieldEnvelopeSchema, z.ZodNullable<FieldEnvelopeSchema>>((field, spec) =>
      spec.required ? fieldEnvelopeSchema(field) : fieldEnvelopeSchema(field).nullable(),
    ),
    legacyPlaintext: legacyPlaintextSchema,
    revision: revisionSchema,
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
    lastAccessedAt: timestampSchema.nullable(),
    /** Set while the account is in the trash. */
    deletedAt: timestampSchema.nullable(),
  })
  .strict();
export type Account = z.infer<typeof accountSchema>;

/** The secret fields of an account as envelopes (null: an optional field left empty). */
export type AccountSecrets = SecretRecord<Envelope, Envelope | null>;

/** Writable fields, shared by create, bulk create and update. Plaintext url/folder are refused since v1.1. */
const accountWritableShape = {
  applicationId: uuidSchema.nullable().optional(),
  ...mapSecretFields<FieldEnvelopeSchema, z.ZodOptional<z.ZodNullable<FieldEnvelopeSchema>>>((field, spec) =>
    spec.required ? fieldEnvelopeSchema(field) : fieldEnvelopeSchema(field).nullable().optional(),
  ),
};

/** The client makes the uuid (it is part of the associated data of every secret field). */
export const createAccountBodySchema = z.object({ uuid: uuidSchema, ...accountWritableShape }).strict();
export type CreateAccountBody = z.input<typeof createAccountBodySchema>;

const uniqueUuids = {
  check: (accounts: { uuid: string }[]) => new Set(accounts.map((a) => a.uuid)).size === accounts.length,
  message: 'uuids must be unique within the batch',
};

export const bulkCreateAccountsBodySchema = z
  .object({ accounts: z.array(createAccountBodySchema).min(1).max(maxBulkAccounts) })
  .strict()
  .refine((body) => uniqueUuids.check(body.accounts), { message: uniqueUuids.message, path: ['accounts'] });
export type BulkCreateAccountsBody = z.input<typeof bulkCreateAccountsBodySchema>;

/** Full replacement of the writable fields; omitted optional fields become null. */
export const updateAccountBodySchema = z.object(accountWritableShape).strict();
export type UpdateAccountBody = z.input<typeof updateAccountBodySchema>;

/**
 * Protocol v1.1 migration of a v1 account: the client encrypts the plaintext it got in
 * `legacyPlaintext` and sends the envelopes with the revision it read. A field that was null in
 * clear must be null here, and one that was set must be an envelope.
 */
export const encryptLegacyAccountSchema = z
  .object({
    uuid: uuidSchema,
    revision: revisionSchema,
    ...(Object.fromEntries(legacyPlaintextFields.map((field) => [field, fieldEnvelopeSchema(field).nullable()])) as Record<
      LegacyPlaintextField,
      z.ZodNullable<FieldEnvelopeSchema>
    >),
  })
  .strict();

export const encryptLegacyAccountsBodySchema = z
  .object({ accounts: z.array(encryptLegacyAccountSchema).min(1).max(maxBulkAccounts) })
  .strict()
  .refine((body) => uniqueUuids.check(body.accounts), { message: uniqueUuids.message, path: ['accounts'] });
export type EncryptLegacyAccountsBody = z.input<typeof encryptLegacyAccountsBodySchema>;

/**
 * `accounts`: the upgraded accounts (new revision, `legacyPlaintext` null). `skipped`: uuids left
 * as they were because they changed since the client read them (another revision), are no longer
 * v1 rows, or are not the caller's; sync and try again.
 */
export const encryptLegacyAccountsResponseSchema = z
  .object({ accounts: z.array(accountSchema), skipped: z.array(uuidSchema) })
  .strict();
export type EncryptLegacyAccountsResponse = z.infer<typeof encryptLegacyAccountsResponseSchema>;

export const accountParamsSchema = z.object({ uuid: uuidSchema }).strict();

/** An entity tag carrying an account revision: `"7"` (quotes optional, weak `W/` accepted). */
export const ifMatchPattern = /^(?:W\/)?(?:"([1-9]\d{0,9})"|([1-9]\d{0,9}))$/;

/**
 * `If-Match` is required on PUT: a missing header is answered `428 precondition_required` by the
 * handler (the schema keeps it optional so that the 428 is distinguishable from a 400).
 */
export const ifMatchHeadersSchema = z
  .object({ 'if-match': text().regex(ifMatchPattern, { message: 'must be the account revision' }).optional() })
  .loose();

/** The revision in an `If-Match` header, or null when absent or not a revision. */
export function parseIfMatchRevision(header: string | undefined): number | null {
  const match = header === undefined ? null : ifMatchPattern.exec(header.trim());
  if (!match) return null;
  return Number(match[1] ?? match[2]);
}

/** The `ETag` (and `If-Match`) value for a revision. */
export function formatRevisionEtag(revision: number): string {
  return `"${revision}"`;
}

export const listAccountsQuerySchema = z
  .object({
    /** The `cursor` of a previous answer: only changes after it are returned. */
    since: cursorSchema.optional(),
  })
  .strict();

/** An account removed for good (purged from the trash) since the cursor. */
export const accountTombstoneSchema = z.object({ uuid: uuidSchema, removedAt: timestampSchema }).strict();

/**
 * Full list (no `since`) or delta: accounts created, updated, trashed or restored after `since`,
 * plus tombstones of purged ones. Keep `cursor` for the next delta.
 */
export const listAccountsResponseSchema = z
  .object({
    accounts: z.array(accountSchema),
    tombstones: z.array(accountTombstoneSchema),
    cursor: cursorSchema,
  })
  .strict();
export type ListAccountsResponse = z.infer<typeof listAccountsResponseSchema>;

export const accountResponseSchema = z.object({ account: accountSchema }).strict();
export type AccountResponse = z.infer<typeof accountResponseSchema>;

/** Releasing an account answers the access decision of its application (null: no application). */
export const releasedAccountResponseSchema = z
  .object({ account: accountSchema, access: accessDecisionSchema.nullable() })
  .strict();
export type ReleasedAccountResponse = z.infer<typeof releasedAccountResponseSchema>;

export const bulkCreateAccountsResponseSchema = z.object({ accounts: z.array(accountSchema) }).strict();
export type BulkCreateAccountsResponse = z.infer<typeof bulkCreateAccountsResponseSchema>;

export const deleteAccountQuerySchema = z
  .object({
    /** `true`: remove an account for good (leaves a tombstone); otherwise move it to the trash. */
    permanent: queryBooleanSchema.optional(),
  })
  .strict();

export const accountUsedResponseSchema = z
  .object({ lastAccessedAt: timestampSchema, access: accessDecisionSchema.nullable() })
  .strict();
export type AccountUsedResponse = z.infer<typeof accountUsedResponseSchema>;

const readers = ['reader', 'editor', 'admin'] as const;
const editors = ['editor', 'admin'] as const;

export const accountRoutes = {
  list: defineRoute({
    method: 'get',
    path: '/accounts',
    summary: 'The current user’s encrypted vault, whole or as a delta since a cursor (with tombstones)',
    auth: 'bearer',
    roles: readers,
    request: { query: listAccountsQuerySchema },
    responses: { 200: listAccountsResponseSchema },
  }),
  create: defineRoute({
    method: 'post',
    path: '/accounts',
    summary: 'Store a new encrypted account (409 conflict when the uuid exists)',
    auth: 'bearer',
    roles: editors,
    request: { body: createAccountBodySchema },
    responses: { 201: accountResponseSchema },
  }),
  bulkCreate: defineRoute({
    method: 'post',
    path: '/accounts/bulk',
    summary: 'Store up to 1000 new encrypted accounts at once, all or none (imports)',
    auth: 'bearer',
    roles: editors,
    request: { body: bulkCreateAccountsBodySchema },
    responses: { 201: bulkCreateAccountsResponseSchema },
  }),
  encryptLegacy: defineRoute({
    method: 'post',
    path: '/accounts/encrypt-legacy',
    summary: 'Protocol v1.1 migration: replace the plaintext url/folder of v1 accounts by envelopes (up to 1000)',
    auth: 'bearer',
    roles: readers,
    request: { body: encryptLegacyAccountsBodySchema },
    responses: { 200: encryptLegacyAccountsResponseSchema },
  }),
  get: defineRoute({
    method: 'get',
    path: '/accounts/:uuid',
    summary: 'One account with its application’s access decision (403 access_declined when declined or inactive)',
    auth: 'bearer',
    roles: readers,
    request: { params: accountParamsSchema },
    responses: { 200: releasedAccountResponseSchema },
  }),
  update: defineRoute({
    method: 'put',
    path: '/accounts/:uuid',
    summary: 'Replace an account; If-Match must carry the current revision (409 revision_conflict if stale)',
    auth: 'bearer',
    roles: editors,
    request: { params: accountParamsSchema, headers: ifMatchHeadersSchema, body: updateAccountBodySchema },
    responses: { 200: accountResponseSchema },
  }),
  delete: defineRoute({
    method: 'delete',
    path: '/accounts/:uuid',
    summary: 'Move an account to the trash, or with ?permanent=true remove it for good',
    auth: 'bearer',
    roles: editors,
    request: { params: accountParamsSchema, query: deleteAccountQuerySchema },
    responses: { 204: null },
  }),
  restore: defineRoute({
    method: 'post',
    path: '/accounts/:uuid/restore',
    summary: 'Take an account out of the trash',
    auth: 'bearer',
    roles: editors,
    request: { params: accountParamsSchema, body: emptyBodySchema },
    responses: { 200: accountResponseSchema },
  }),
  markUsed: defineRoute({
    method: 'post',
    path: '/accounts/:uuid/used',
    summary: 'Record that an account was filled or copied (last accessed + audit); answers the access decision',
    auth: 'bearer',
    roles: readers,
    request: { params: accountParamsSchema, body: emptyBodySchema },
    responses: { 200: accountUsedResponseSchema },
  }),
} as const;

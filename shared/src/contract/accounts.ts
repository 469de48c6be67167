import { z } from 'zod';
import { defineRoute } from './routes';
import {
  accessDecisionSchema,
  cursorSchema,
  emptyBodySchema,
  queryBooleanSchema,
  timestampSchema,
  uuidSchema,
} from './common';
import { envelopeSchema } from './envelope';

export const maxBulkAccounts = 1000;

/** The secret fields of an account; each is an envelope with AD `secureaccess/v1/<uuid>/<field>`. */
export const secretFields = ['username', 'password', 'notes'] as const;
export type SecretField = (typeof secretFields)[number];

/** Account revision: 1 on creation, +1 on every update. Sent back in `If-Match` to update. */
export const revisionSchema = z.number().int().min(1);

const accountUrlSchema = z.string().trim().min(1).max(2048);
const folderSchema = z.string().trim().normalize('NFC').min(1).max(100);

/** An account as the server returns it. Only the catalogue link, url and folder are plaintext. */
export const accountSchema = z
  .object({
    uuid: uuidSchema,
    applicationId: uuidSchema.nullable(),
    url: z.string().nullable(),
    folder: z.string().nullable(),
    username: envelopeSchema,
    password: envelopeSchema,
    notes: envelopeSchema.nullable(),
    revision: revisionSchema,
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
    lastAccessedAt: timestampSchema.nullable(),
    /** Set while the account is in the trash. */
    deletedAt: timestampSchema.nullable(),
  })
  .strict();
export type Account = z.infer<typeof accountSchema>;

/** Writable fields, shared by create, bulk create and update. */
const accountWritableShape = {
  applicationId: uuidSchema.nullable().optional(),
  url: accountUrlSchema.nullable().optional(),
  folder: folderSchema.nullable().optional(),
  username: envelopeSchema,
  password: envelopeSchema,
  notes: envelopeSchema.nullable().optional(),
};

/** The client makes the uuid (it is part of the associated data of every secret field). */
export const createAccountBodySchema = z.object({ uuid: uuidSchema, ...accountWritableShape }).strict();
export type CreateAccountBody = z.input<typeof createAccountBodySchema>;

export const bulkCreateAccountsBodySchema = z
  .object({ accounts: z.array(createAccountBodySchema).min(1).max(maxBulkAccounts) })
  .strict()
  .refine((body) => new Set(body.accounts.map((a) => a.uuid)).size === body.accounts.length, {
    message: 'uuids must be unique within the batch',
    path: ['accounts'],
  });
export type BulkCreateAccountsBody = z.input<typeof bulkCreateAccountsBodySchema>;

/** Full replacement of the writable fields; omitted optional fields become null. */
export const updateAccountBodySchema = z.object(accountWritableShape).strict();
export type UpdateAccountBody = z.input<typeof updateAccountBodySchema>;

export const accountParamsSchema = z.object({ uuid: uuidSchema }).strict();

/** An entity tag carrying an account revision: `"7"` (quotes optional, weak `W/` accepted). */
export const ifMatchPattern = /^(?:W\/)?(?:"([1-9]\d{0,9})"|([1-9]\d{0,9}))$/;

/**
 * `If-Match` is required on PUT: a missing header is answered `428 precondition_required` by the
 * handler (the schema keeps it optional so that the 428 is distinguishable from a 400).
 */
export const ifMatchHeadersSchema = z
  .object({ 'if-match': z.string().regex(ifMatchPattern, { message: 'must be the account revision' }).optional() })
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

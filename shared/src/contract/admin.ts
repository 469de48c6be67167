import { z } from 'zod';
import { defineRoute } from './routes';
import {
  accessStateSchema,
  cursorSchema,
  limitQuerySchema,
  roleSchema,
  text,
  timestampSchema,
  userStatusSchema,
  userSummarySchema,
  uuidSchema,
} from './common';
import { auditFilterShape, auditPageResponseSchema } from './audit';

const admins = ['admin'] as const;

export const adminUserSchema = userSummarySchema
  .extend({
    status: userStatusSchema,
    mfaEnabled: z.boolean(),
    failedLoginAttempts: z.number().int().min(0),
    lockedUntil: timestampSchema.nullable(),
    lastLoginAt: timestampSchema.nullable(),
    createdAt: timestampSchema,
  })
  .strict();
export type AdminUser = z.infer<typeof adminUserSchema>;

export const listUsersQuerySchema = z
  .object({
    /** Substring of email, first or last name. */
    q: text().trim().min(1).max(100).optional(),
    role: roleSchema.optional(),
    status: userStatusSchema.optional(),
    cursor: cursorSchema.optional(),
    limit: limitQuerySchema.optional(),
  })
  .strict();
export const listUsersResponseSchema = z
  .object({ users: z.array(adminUserSchema), nextCursor: cursorSchema.nullable() })
  .strict();
export type ListUsersResponse = z.infer<typeof listUsersResponseSchema>;

export const userParamsSchema = z.object({ id: uuidSchema }).strict();

/** `status: inactive` deactivates (and revokes sessions); `unlock: true` clears a login lockout. */
export const updateUserBodySchema = z
  .object({
    role: roleSchema.optional(),
    status: userStatusSchema.optional(),
    unlock: z.literal(true).optional(),
  })
  .strict()
  .refine((body) => Object.values(body).some((v) => v !== undefined), 'nothing to update');
export type UpdateUserBody = z.input<typeof updateUserBodySchema>;
export const adminUserResponseSchema = z.object({ user: adminUserSchema }).strict();

export const adminAuditQuerySchema = z
  .object({ ...auditFilterShape, userId: uuidSchema.optional() })
  .strict();

/** What `verifyAuditChain` found wrong: a row edited, one removed or reordered, rows cut off the end. */
export const auditChainProblemSchema = z.enum(['row_edited', 'row_removed_or_reordered', 'end_removed']);
export type AuditChainProblem = z.infer<typeof auditChainProblemSchema>;

/** The hash chain walked from the first row: intact with its length, or the first broken row. */
export const auditVerificationSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), checked: z.number().int().min(0) }).strict(),
  z
    .object({
      ok: z.literal(false),
      /** Rows verified before the break. */
      checked: z.number().int().min(0),
      /** The first broken row's id (null: the rows are intact but the end was cut off). */
      brokenAt: z.number().int().positive().nullable(),
      problem: auditChainProblemSchema,
    })
    .strict(),
]);
export type AuditVerification = z.infer<typeof auditVerificationSchema>;
export const auditVerificationResponseSchema = z
  .object({ verification: auditVerificationSchema, verifiedAt: timestampSchema })
  .strict();
export type AuditVerificationResponse = z.infer<typeof auditVerificationResponseSchema>;

export const organisationSettingsSchema = z
  .object({
    signupsOpen: z.boolean(),
    /** Access state of applications added from now on (existing ones keep theirs). */
    defaultApplicationAccess: accessStateSchema,
  })
  .strict();
export type OrganisationSettings = z.infer<typeof organisationSettingsSchema>;
export const settingsResponseSchema = z.object({ settings: organisationSettingsSchema }).strict();

export const adminRoutes = {
  listUsers: defineRoute({
    method: 'get',
    path: '/admin/users',
    summary: 'Users of the organisation, filtered, with cursor pagination',
    auth: 'bearer',
    roles: admins,
    request: { query: listUsersQuerySchema },
    responses: { 200: listUsersResponseSchema },
  }),
  updateUser: defineRoute({
    method: 'patch',
    path: '/admin/users/:id',
    summary: 'Change a user’s role or status, or unlock them (409 conflict for the last active admin)',
    auth: 'bearer',
    roles: admins,
    request: { params: userParamsSchema, body: updateUserBodySchema },
    responses: { 200: adminUserResponseSchema },
  }),
  audit: defineRoute({
    method: 'get',
    path: '/admin/audit',
    summary: 'The whole audit log, filtered, newest first, with cursor pagination',
    auth: 'bearer',
    roles: admins,
    request: { query: adminAuditQuerySchema },
    responses: { 200: auditPageResponseSchema },
  }),
  verifyAudit: defineRoute({
    method: 'get',
    path: '/admin/audit/verify',
    summary: 'Walks the audit hash chain (what `npm run audit:verify` does): intact, or the first broken row',
    auth: 'bearer',
    roles: admins,
    responses: { 200: auditVerificationResponseSchema },
  }),
  getSettings: defineRoute({
    method: 'get',
    path: '/admin/settings',
    summary: 'Organisation settings',
    auth: 'bearer',
    roles: admins,
    responses: { 200: settingsResponseSchema },
  }),
  putSettings: defineRoute({
    method: 'put',
    path: '/admin/settings',
    summary: 'Replace the organisation settings',
    auth: 'bearer',
    roles: admins,
    request: { body: organisationSettingsSchema },
    responses: { 200: settingsResponseSchema },
  }),
} as const;

export type ListUsersQuery = z.input<typeof listUsersQuerySchema>;
export type AdminAuditQuery = z.input<typeof adminAuditQuerySchema>;

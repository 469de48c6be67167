import { z } from 'zod';
import { defineRoute } from './routes';
import { cursorSchema, limitQuerySchema, queryBooleanSchema, text, timestampFilterSchema, timestampSchema, uuidSchema } from './common';

/** Audit actions are dotted snake_case names, e.g. `auth.login`, `account.update`. */
export const auditActionSchema = text().regex(/^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*$/).max(64);
export const auditTargetTypeSchema = z.enum(['account', 'application', 'user', 'session', 'settings']);

export const auditEntrySchema = z
  .object({
    id: z.number().int().positive(),
    userId: uuidSchema.nullable(),
    action: auditActionSchema,
    targetType: auditTargetTypeSchema.nullable(),
    targetId: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    success: z.boolean(),
    /** Never a secret: no tokens, hashes or ciphertexts. */
    details: z.record(z.string(), z.unknown()).nullable(),
    createdAt: timestampSchema,
  })
  .strict();
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** Filters shared by the own and the admin audit log; newest first, `cursor` from `nextCursor`. */
export const auditFilterShape = {
  action: auditActionSchema.optional(),
  targetType: auditTargetTypeSchema.optional(),
  targetId: text().min(1).max(64).optional(),
  success: queryBooleanSchema.optional(),
  from: timestampFilterSchema.optional(),
  to: timestampFilterSchema.optional(),
  cursor: cursorSchema.optional(),
  limit: limitQuerySchema.optional(),
};

export const ownAuditQuerySchema = z.object(auditFilterShape).strict();

export const auditPageResponseSchema = z
  .object({ entries: z.array(auditEntrySchema), nextCursor: cursorSchema.nullable() })
  .strict();
export type AuditPageResponse = z.infer<typeof auditPageResponseSchema>;

export const auditRoutes = {
  listOwn: defineRoute({
    method: 'get',
    path: '/audit',
    summary: 'The current user’s own audit trail, newest first',
    auth: 'bearer',
    request: { query: ownAuditQuerySchema },
    responses: { 200: auditPageResponseSchema },
  }),
} as const;

export type OwnAuditQuery = z.input<typeof ownAuditQuerySchema>;

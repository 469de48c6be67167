import { z } from 'zod';
import { defineRoute } from './routes';
import { timestampSchema, uuidSchema } from './common';

/** A session's public id (its UUID, also the JWT `sid` claim). */
export const sessionIdSchema = uuidSchema;

export const sessionSchema = z
  .object({
    id: sessionIdSchema,
    deviceName: z.string().nullable(),
    deviceType: z.string().nullable(),
    userAgent: z.string().nullable(),
    ip: z.string().nullable(),
    loginAt: timestampSchema,
    lastActivityAt: timestampSchema,
    expiresAt: timestampSchema,
    /** The session of the access token that made this request. */
    current: z.boolean(),
  })
  .strict();
export type Session = z.infer<typeof sessionSchema>;

export const listSessionsResponseSchema = z.object({ sessions: z.array(sessionSchema) }).strict();
export type ListSessionsResponse = z.infer<typeof listSessionsResponseSchema>;
export const sessionParamsSchema = z.object({ id: sessionIdSchema }).strict();

export const sessionRoutes = {
  list: defineRoute({
    method: 'get',
    path: '/sessions',
    summary: 'The current user’s live sessions',
    auth: 'bearer',
    responses: { 200: listSessionsResponseSchema },
  }),
  revoke: defineRoute({
    method: 'delete',
    path: '/sessions/:id',
    summary: 'Revoke one of the current user’s sessions (404 for anyone else’s)',
    auth: 'bearer',
    request: { params: sessionParamsSchema },
    responses: { 204: null },
  }),
} as const;

import { z } from 'zod';
import { defineRoute } from './routes';
import { accessDecisionSchema, accessStateSchema, queryBooleanSchema, text, timestampSchema, uuidSchema } from './common';

/** How an application's URL is compared with a page (DESIGN §9); same names as the shared matcher. */
export const matchStrategySchema = z.enum(['base_domain', 'host', 'starts_with', 'exact', 'regex', 'never']);

/** Absolute URL with a scheme and `//` (https, http, or an app scheme such as androidapp://). */
export const applicationUrlSchema = text()
  .trim()
  .max(2048)
  .regex(/^[A-Za-z][A-Za-z0-9+.-]*:\/\/\S+$/, { message: 'must be an absolute URL' });

const applicationNameSchema = text().trim().normalize('NFC').min(1).max(200);
/** Longest extra URL or regular expression (the matcher refuses longer patterns). */
export const maxApplicationPatternLength = 500;
/**
 * Extra URLs compared with the same strategy, or the regular expressions of `regex`. One line each
 * (a regex writes a line break as `\n`): the catalogue CSV keeps a cell's patterns one per line.
 */
const matchPatternsSchema = z
  .array(text().trim().min(1).max(maxApplicationPatternLength).regex(/^[^\r\n]*$/, { message: 'must be one line' }))
  .max(20);
const accessValueSchema = text().trim().min(1).max(100);

export const applicationSchema = z
  .object({
    id: uuidSchema,
    name: z.string(),
    url: z.string(),
    matchStrategy: matchStrategySchema,
    matchPatterns: z.array(z.string()),
    isActive: z.boolean(),
    access: accessStateSchema,
    /** Reported as the access `value` while access is granted (default `granted`). */
    accessGrantedValue: z.string(),
    /** Reported as the access `value` while access is declined (default `declined`). */
    accessDeclinedValue: z.string(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .strict();
export type Application = z.infer<typeof applicationSchema>;

export const listApplicationsResponseSchema = z
  .object({
    applications: z.array(applicationSchema),
    /** The catalogue's revision; the response's ETag is `"catalogue-<revision>"`. */
    revision: z.number().int().nonnegative(),
  })
  .strict();
/** `If-None-Match` with the ETag of a catalogue the client holds: 304 while it is current. */
export const listApplicationsHeadersSchema = z.object({ 'if-none-match': text().max(1024).optional() }).loose();
export type ListApplicationsResponse = z.infer<typeof listApplicationsResponseSchema>;

/** The page URL travels in the body, never the query string, so no access log or proxy records it. */
export const matchApplicationsBodySchema = z.object({ url: text().min(1).max(4096) }).strict();

export const applicationMatchSchema = z
  .object({
    application: applicationSchema,
    strategy: matchStrategySchema.exclude(['never']),
    /** Plain http page for an https application (or a regex match): fill only after confirmation. */
    insecure: z.boolean(),
    access: accessDecisionSchema,
    /** The caller's accounts for this application; empty unless `access.allowed`. */
    accountUuids: z.array(uuidSchema),
  })
  .strict();
export const matchApplicationsResponseSchema = z.object({ matches: z.array(applicationMatchSchema) }).strict();
export type MatchApplicationsResponse = z.infer<typeof matchApplicationsResponseSchema>;

export const createApplicationBodySchema = z
  .object({
    name: applicationNameSchema,
    url: applicationUrlSchema,
    matchStrategy: matchStrategySchema.optional(),
    matchPatterns: matchPatternsSchema.optional(),
  })
  .strict();
export type CreateApplicationBody = z.input<typeof createApplicationBodySchema>;

export const updateApplicationBodySchema = z
  .object({
    name: applicationNameSchema.optional(),
    url: applicationUrlSchema.optional(),
    matchStrategy: matchStrategySchema.optional(),
    matchPatterns: matchPatternsSchema.optional(),
    isActive: z.boolean().optional(),
    access: accessStateSchema.optional(),
    accessGrantedValue: accessValueSchema.optional(),
    accessDeclinedValue: accessValueSchema.optional(),
  })
  .strict()
  .refine((body) => Object.values(body).some((v) => v !== undefined), 'nothing to update');
export type UpdateApplicationBody = z.input<typeof updateApplicationBodySchema>;

export const applicationParamsSchema = z.object({ id: uuidSchema }).strict();
export const deleteApplicationQuerySchema = z
  .object({
    /** `true`: delete even if accounts link to it (their link becomes null); otherwise 409 conflict. */
    force: queryBooleanSchema.optional(),
  })
  .strict();

export const applicationResponseSchema = z.object({ application: applicationSchema }).strict();
export type ApplicationResponse = z.infer<typeof applicationResponseSchema>;

export const applicationRoutes = {
  list: defineRoute({
    method: 'get',
    path: '/applications',
    summary: 'The application catalogue, which the extension matches pages against locally (ETag; 304 to If-None-Match while unchanged)',
    auth: 'bearer',
    request: { headers: listApplicationsHeadersSchema },
    responses: { 200: listApplicationsResponseSchema, 304: null },
  }),
  match: defineRoute({
    method: 'post',
    path: '/applications/match',
    summary: 'Applications matching a URL (sent in the body), each with its access decision (recorded in the audit log)',
    auth: 'bearer',
    request: { body: matchApplicationsBodySchema },
    responses: { 200: matchApplicationsResponseSchema },
  }),
  create: defineRoute({
    method: 'post',
    path: '/applications',
    summary: 'Add an application (starts with the organisation’s default access)',
    auth: 'bearer',
    roles: ['editor', 'admin'],
    request: { body: createApplicationBodySchema },
    responses: { 201: applicationResponseSchema },
  }),
  update: defineRoute({
    method: 'patch',
    path: '/applications/:id',
    summary: 'Edit an application: name, URL, match rules, active, access and its reported values',
    auth: 'bearer',
    roles: ['admin'],
    request: { params: applicationParamsSchema, body: updateApplicationBodySchema },
    responses: { 200: applicationResponseSchema },
  }),
  delete: defineRoute({
    method: 'delete',
    path: '/applications/:id',
    summary: 'Delete an application (409 conflict while accounts link to it, unless ?force=true)',
    auth: 'bearer',
    roles: ['admin'],
    request: { params: applicationParamsSchema, query: deleteApplicationQuerySchema },
    responses: { 204: null },
  }),
} as const;


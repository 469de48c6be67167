import { z } from 'zod';
import { defineRoute } from './routes';

export const healthResponseSchema = z.object({ status: z.literal('ok') }).strict();
export const readyResponseSchema = z
  .object({ status: z.enum(['ready', 'unavailable']), database: z.enum(['up', 'down']) })
  .strict();

export const healthRoutes = {
  healthz: defineRoute({
    method: 'get',
    path: '/healthz',
    root: true,
    summary: 'Liveness: the process answers',
    auth: 'none',
    responses: { 200: healthResponseSchema },
  }),
  readyz: defineRoute({
    method: 'get',
    path: '/readyz',
    root: true,
    summary: 'Readiness: the database answers a ping (503 while it does not)',
    auth: 'none',
    responses: { 200: readyResponseSchema, 503: readyResponseSchema },
  }),
} as const;

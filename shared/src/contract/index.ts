// The API contract (DESIGN §7): zod schemas and inferred types for every request and response,
// shared by the server (validation, OpenAPI) and the extension (typed client).
export * from './errors';
export * from './routes';
export * from './health';
export * from './common';
export * from './kdf';
export * from './envelope';
export * from './auth';
export * from './sessions';
export * from './mfa';
export * from './accounts';
export * from './applications';
export * from './admin';
export * from './audit';

import { healthRoutes } from './health';
import { authRoutes } from './auth';
import { sessionRoutes } from './sessions';
import { mfaRoutes } from './mfa';
import { accountRoutes } from './accounts';
import { applicationRoutes } from './applications';
import { adminRoutes } from './admin';
import { auditRoutes } from './audit';
import type { RouteContract } from './routes';

/** Every route grouped by component, for typed access (`routesByComponent.accounts.update`). */
export const routesByComponent = {
  health: healthRoutes,
  auth: authRoutes,
  sessions: sessionRoutes,
  mfa: mfaRoutes,
  accounts: accountRoutes,
  applications: applicationRoutes,
  admin: adminRoutes,
  audit: auditRoutes,
} as const;

/** Every route of the API. A route missing here has no validation, no OpenAPI entry and no client. */
export const apiRoutes: readonly RouteContract[] = Object.values(routesByComponent).flatMap(
  (group): RouteContract[] => Object.values(group),
);

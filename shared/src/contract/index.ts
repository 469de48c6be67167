// The API contract (DESIGN §7): zod schemas and inferred types for every request and response,
// shared by the server (validation, OpenAPI) and the extension (typed client).
export * from './errors';
export * from './routes';
export * from './health';

import { healthRoutes } from './health';
import type { RouteContract } from './routes';

/** Every route of the API. A route missing here has no validation, no OpenAPI entry and no client. */
export const apiRoutes: readonly RouteContract[] = [...Object.values(healthRoutes)];

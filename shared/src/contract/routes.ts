import type { z } from 'zod';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type Role = 'reader' | 'editor' | 'admin';

/**
 * One entry per HTTP route: the single source for server validation, the extension's typed
 * client and the OpenAPI document. `path` uses Express syntax (`/accounts/:uuid`), relative to
 * the API root (`/api/v1`) unless `root` is set (health probes live outside it).
 */
export interface RouteContract {
  method: HttpMethod;
  path: string;
  root?: boolean;
  summary: string;
  /** `none`: public; otherwise a Bearer access token with one of `roles` (all roles if omitted). */
  auth: 'none' | 'bearer';
  roles?: readonly Role[];
  request?: {
    body?: z.ZodType;
    query?: z.ZodType;
    params?: z.ZodType;
  };
  /** Success responses by status; `null` for an empty body (204). Errors use errorBodySchema. */
  responses: Record<number, z.ZodType | null>;
}

export function defineRoute<const T extends RouteContract>(route: T): T {
  return route;
}

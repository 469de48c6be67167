import { toJSONSchema, type z } from 'zod';

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
    /** Request headers (lower-case names); a loose object, since clients send many others. */
    headers?: z.ZodType;
  };
  /** Success responses by status; `null` for an empty body (204). Errors use errorBodySchema. */
  responses: Record<number, z.ZodType | null>;
}

export function defineRoute<const T extends RouteContract>(route: T): T {
  return route;
}

/** JSON Schemas (draft 2020-12) of one route, as the OpenAPI document publishes them. */
export interface RouteJsonSchemas {
  request: { body?: JsonSchema; query?: JsonSchema; params?: JsonSchema; headers?: JsonSchema };
  responses: Record<number, JsonSchema | null>;
}
export type JsonSchema = Record<string, unknown>;

/**
 * Converts a route's schemas with `z.toJSONSchema`: request parts describe what a client may
 * send (`io: 'input'`, before trimming/normalising), responses what the server sends.
 */
export function routeJsonSchemas(route: RouteContract): RouteJsonSchemas {
  const request: RouteJsonSchemas['request'] = {};
  for (const part of ['body', 'query', 'params', 'headers'] as const) {
    const schema = route.request?.[part];
    if (schema) request[part] = toJSONSchema(schema, { io: 'input' }) as JsonSchema;
  }
  const responses: RouteJsonSchemas['responses'] = {};
  for (const [status, schema] of Object.entries(route.responses)) {
    responses[Number(status)] = schema === null ? null : (toJSONSchema(schema, { io: 'output' }) as JsonSchema);
  }
  return { request, responses };
}

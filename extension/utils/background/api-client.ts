// The extension's API client, typed from the shared contract (STYLE: one contract, two ends): the
// path, method, body, query and response types all come from `routesByComponent`, and every
// success response is parsed with its schema, so a misbehaving server cannot hand the extension a
// shape it does not expect. Pure apart from `fetch`, which is injected.

import { errorBodySchema, routesByComponent, type RouteContract } from '@secureaccess/shared/contract';
import type { z } from 'zod';

type Routes = typeof routesByComponent;
export type Component = keyof Routes;
export type RouteName<C extends Component> = keyof Routes[C] & string;
type RouteOf<C extends Component, R extends RouteName<C>> = Routes[C][R];

type PartInput<T, Part extends string> = T extends { request: { [P in Part]: infer S } }
  ? S extends z.ZodType
    ? z.input<S>
    : never
  : undefined;

type SuccessOf<T> = T extends { responses: infer Rs }
  ? { [S in keyof Rs]: S extends 200 | 201 | 204 | 304 ? (Rs[S] extends z.ZodType ? z.output<Rs[S]> : undefined) : never }[keyof Rs]
  : never;

type OptionalKeys<T> = { [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined> } & {
  [K in keyof T as undefined extends T[K] ? never : K]: T[K];
};

export type CallOptions<T> = OptionalKeys<{
  body: PartInput<T, 'body'>;
  query: PartInput<T, 'query'>;
  params: PartInput<T, 'params'>;
  headers: PartInput<T, 'headers'>;
}> & {
  /** Bearer token for `auth: 'bearer'` routes (the session layer passes it). */
  accessToken?: string;
  signal?: AbortSignal;
};

export type ResponseData<C extends Component, R extends RouteName<C>> = SuccessOf<RouteOf<C, R>>;

/** Why a call failed, in terms the UI can explain. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    /** HTTP status, or 0 when the server could not be reached. */
    readonly status: number,
    /** The API's error code (`invalid_credentials`, …), or `network_error` / `bad_response`. */
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

export interface ApiClientOptions {
  /** Server root, e.g. `http://127.0.0.1:8080`. */
  baseUrl: () => string | Promise<string>;
  fetch?: typeof fetch;
  /** Per-request timeout; a hung server must not freeze the popup. */
  timeoutMs?: number;
}

const defaultTimeoutMs = 15_000;

function buildPath(route: RouteContract, params: Record<string, unknown> | undefined): string {
  const path = route.path.replace(/:([A-Za-z0-9_]+)/g, (_match, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
  return route.root ? path : `/api/v1${path}`;
}

export function resolveUrl(baseUrl: string, path: string, query?: Record<string, unknown>): URL {
  const base = baseUrl.replace(/\/+$/, '');
  const url = new URL(base + path);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
  }
  return url;
}

export interface ApiClient {
  call<C extends Component, R extends RouteName<C>>(
    component: C,
    route: R,
    options?: CallOptions<RouteOf<C, R>>,
  ): Promise<ResponseData<C, R>>;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;

  return {
    async call(component, routeName, callOptions) {
      const route = routesByComponent[component][routeName] as unknown as RouteContract;
      const opts = (callOptions ?? {}) as {
        body?: unknown;
        query?: Record<string, unknown>;
        params?: Record<string, unknown>;
        headers?: Record<string, string>;
        accessToken?: string;
        signal?: AbortSignal;
      };
      const baseUrl = await options.baseUrl();
      const url = resolveUrl(baseUrl, buildPath(route, opts.params), opts.query);
      const headers: Record<string, string> = { accept: 'application/json', ...(opts.headers ?? {}) };
      if (opts.accessToken) headers.authorization = `Bearer ${opts.accessToken}`;
      let body: string | undefined;
      if (opts.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(opts.body);
      }

      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
      let response: Response;
      try {
        response = await doFetch(url, {
          method: route.method.toUpperCase(),
          headers,
          body,
          signal,
          credentials: 'omit',
          cache: 'no-store',
        });
      } catch (error) {
        const timedOut = timeout.aborted;
        throw new ApiError(
          0,
          'network_error',
          timedOut
            ? `The server at ${baseUrl} did not answer within ${Math.round(timeoutMs / 1000)} s.`
            : `Cannot reach the server at ${baseUrl}. Check the address and that it is running.`,
          { cause: String(error) },
        );
      }

      const text = await response.text();
      let json: unknown = undefined;
      if (text !== '') {
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
      }
      const schema = route.responses[response.status];
      // 304 Not Modified answers a conditional request the contract lists it for: no body.
      if (response.status === 304 && schema === null) return undefined as never;
      if (response.ok && schema !== undefined) {
        if (schema === null) return undefined as never;
        const parsed = schema.safeParse(json);
        if (!parsed.success) {
          throw new ApiError(response.status, 'bad_response', `The server sent an unexpected answer to ${route.method.toUpperCase()} ${route.path}.`);
        }
        return parsed.data as never;
      }
      const errorBody = errorBodySchema.safeParse(json);
      if (errorBody.success) {
        const { code, message, details } = errorBody.data.error;
        throw new ApiError(response.status, code, message, details);
      }
      throw new ApiError(
        response.status,
        response.status === 404 ? 'not_found' : 'bad_response',
        response.status === 404
          ? `The server at ${baseUrl} does not offer ${route.method.toUpperCase()} ${route.path} (is it a SecureAccess API of this version?).`
          : `The server answered ${response.status} to ${route.method.toUpperCase()} ${route.path}.`,
      );
    },
  };
}

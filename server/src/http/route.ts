// Mounts one handler per RouteContract (shared/src/contract): the contract's zod schemas validate
// params, query, headers and body before the handler runs, the contract's auth and roles are
// enforced, and the handler's result is sent with the status it names. Components write only
//   mountRoute(router, routesByComponent.sessions.list, async (input, ctx) => ({ status: 200, body }))
import type { Role, RouteContract } from '@secureaccess/shared/contract';
import { ErrorCode } from '@secureaccess/shared/contract';
import { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { JsonText } from '../json-text';
import { AppError } from './app-error';
import { requestIdOf } from './request-id';

/** Prefix of every route that is not `root` (DESIGN §7). */
export const apiBasePath = '/api/v1';

/**
 * The caller's user as the authenticator's one query read it, with what routes need (the profile
 * of /me, the address MFA labels its secret with): no route reads the user row again unless it
 * must lock it or check a credential.
 */
export interface PrincipalUser {
  id: number;
  uuid: string;
  email: string;
  firstName: string;
  lastName: string;
  role: Role;
  status: 'active';
  createdAt: Date;
  lastLoginAt: Date | null;
  lastLoginIp: string | null;
  passwordChangedAt: Date | null;
  failedLoginAttempts: number;
  mfaEnabled: boolean;
}

/** Who is calling, as established from a valid access token. */
export interface Principal {
  userId: number;
  userUuid: string;
  role: Role;
  /** user_sessions.id of the token's session. */
  sessionId: number;
  jti: string;
  /** jwt_tokens.id of the access token (audit rows name it). */
  tokenId: number;
  user: PrincipalUser;
  /**
   * users.vault_change_seq as the authenticator's query read it, at the start of this request:
   * a sync answers an unchanged vault from it without another round trip. Absent on principals
   * not made by the authenticator (service-level suites), where the service reads it itself.
   */
  vaultChangeSeq?: number;
}

/**
 * Establishes the principal of a request carrying a Bearer token, or throws an AppError (401).
 * Provided by the auth component; see createApp.
 */
export type Authenticator = (req: Request) => Promise<Principal>;

export interface ApiRouterOptions {
  authenticate: Authenticator | null;
  /** Check success bodies against the contract (tests); a mismatch is a 500. */
  validateResponses: boolean;
  clock: () => Date;
}

/** An Express router plus what mountRoute needs to know; mount it at the app root. */
export interface ApiRouter {
  readonly express: Router;
  readonly options: ApiRouterOptions;
  /** Every contract mounted so far (for 405 answers and meta-tests). */
  readonly mounted: RouteContract[];
}

export function createApiRouter(options: ApiRouterOptions): ApiRouter {
  return { express: Router(), options, mounted: [] };
}

type RequestPart = 'body' | 'query' | 'params' | 'headers';
type PartOf<C extends RouteContract, P extends RequestPart> = C['request'] extends infer R
  ? R extends { [K in P]: infer S }
    ? S extends z.ZodType
      ? z.output<S>
      : undefined
    : undefined
  : undefined;

export interface RouteInput<C extends RouteContract> {
  body: PartOf<C, 'body'>;
  query: PartOf<C, 'query'>;
  params: PartOf<C, 'params'>;
  headers: PartOf<C, 'headers'>;
}

export interface RouteContext<C extends RouteContract> {
  req: Request;
  res: Response;
  requestId: string;
  /** Client address as Express sees it (honours TRUST_PROXY). */
  ip: string | null;
  userAgent: string | null;
  /** The injected clock's time when the request arrived. */
  now: Date;
  principal: C['auth'] extends 'bearer' ? Principal : null;
  log: Logger;
}

type StatusOf<C extends RouteContract> = Extract<keyof C['responses'], number>;
export type RouteResult<C extends RouteContract> = {
  [S in StatusOf<C>]: C['responses'][S] extends z.ZodType<unknown, infer Body>
    ? { status: S; body: Body | JsonText<Body>; headers?: Record<string, string> }
    : { status: S; body?: undefined; headers?: Record<string, string> };
}[StatusOf<C>];

export type RouteHandler<C extends RouteContract> = (
  input: RouteInput<C>,
  context: RouteContext<C>,
) => Promise<RouteResult<C>> | RouteResult<C>;

export function fullPath(contract: RouteContract): string {
  return contract.root ? contract.path : `${apiBasePath}${contract.path}`;
}

function isStrictObject(schema: z.ZodType): boolean {
  if (!(schema instanceof z.ZodObject)) return true; // unions, pipes…: their own business
  const catchall = schema.def.catchall;
  return catchall !== undefined && catchall._zod.def.type === 'never';
}

interface FieldProblem {
  location: RequestPart;
  path: string;
  code: string;
  message: string;
}

function parsePart(
  part: RequestPart,
  schema: z.ZodType | undefined,
  value: unknown,
  problems: FieldProblem[],
): unknown {
  if (!schema) {
    // A route without a body schema takes no body: any field in one is an unknown field.
    if (part === 'body' && value !== undefined && !(isEmptyObject(value))) {
      problems.push({ location: 'body', path: '', code: 'unrecognized_keys', message: 'This route takes no body' });
    }
    return undefined;
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    problems.push({ location: part, path: issue.path.map(String).join('.'), code: issue.code, message: issue.message });
  }
  return undefined;
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}

export function mountRoute<C extends RouteContract>(
  router: ApiRouter,
  contract: C,
  handler: NoInfer<RouteHandler<C>>,
): void {
  const path = fullPath(contract);
  const label = `${contract.method.toUpperCase()} ${path}`;
  for (const part of ['body', 'query', 'params'] as const) {
    const schema = contract.request?.[part];
    if (schema && !isStrictObject(schema)) {
      throw new Error(`${label}: the ${part} schema must be strict (unknown fields are refused)`);
    }
  }
  const { authenticate, validateResponses, clock } = router.options;
  if (contract.auth === 'bearer' && !authenticate) {
    throw new Error(`${label} needs a Bearer token, but no authenticator is configured`);
  }

  router.express[contract.method](path, async (req: Request, res: Response) => {
    const now = clock();
    let principal: Principal | null = null;
    if (contract.auth === 'bearer') {
      principal = await authenticate!(req);
      if (contract.roles && !contract.roles.includes(principal.role)) {
        throw new AppError('forbidden', 403, 'Your role does not allow this');
      }
    }

    const problems: FieldProblem[] = [];
    const input = {
      params: parsePart('params', contract.request?.params, { ...req.params }, problems),
      query: parsePart('query', contract.request?.query, { ...(req.query as object) }, problems),
      headers: parsePart('headers', contract.request?.headers, req.headers, problems),
      // No body at all is read as `{}` (POST routes without a payload, DESIGN §7).
      body: parsePart('body', contract.request?.body, req.body ?? (contract.request?.body ? {} : undefined), problems),
    } as RouteInput<C>;
    if (problems.length > 0) {
      throw new AppError(ErrorCode.validationFailed, 400, 'The request is not valid', {
        details: { fields: problems },
      });
    }

    const context = {
      req,
      res,
      requestId: requestIdOf(req),
      ip: req.ip ?? null,
      userAgent: req.get('user-agent') ?? null,
      now,
      principal,
      log: req.log,
    } as RouteContext<C>;
    const result = (await handler(input, context)) as { status: number; body?: unknown; headers?: Record<string, string> };
    if (res.headersSent) return; // the handler answered itself (streams, redirects)

    if (!(result.status in contract.responses)) {
      throw new Error(`${label} answered ${result.status}, which its contract does not list`);
    }
    const schema = contract.responses[result.status];
    const { body } = result;
    if (validateResponses && schema) {
      const checked = schema.safeParse(body instanceof JsonText ? body.parse() : body);
      if (!checked.success) {
        throw new Error(`${label} ${result.status} body does not match its contract: ${checked.error.message}`);
      }
    }
    for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
    res.status(result.status);
    if (schema === null || body === undefined) res.end();
    // Already JSON (the vault list): sent as res.json would send its own serialisation.
    else if (body instanceof JsonText) res.type('application/json').send(body.text);
    else res.json(body);
  });
  router.mounted.push(contract);
}

/**
 * After every route is mounted: a known path with an unmounted method answers 405 with Allow,
 * instead of falling through to 404.
 */
export function mountMethodNotAllowed(router: ApiRouter): void {
  const methodsByPath = new Map<string, Set<string>>();
  for (const contract of router.mounted) {
    const path = fullPath(contract);
    const methods = methodsByPath.get(path) ?? new Set<string>();
    methods.add(contract.method.toUpperCase());
    if (contract.method === 'get') methods.add('HEAD');
    methodsByPath.set(path, methods);
  }
  for (const [path, methods] of methodsByPath) {
    const allow = [...methods].sort().join(', ');
    router.express.all(path, () => {
      throw new AppError(ErrorCode.methodNotAllowed, 405, 'Method not allowed on this route', {
        headers: { Allow: allow },
      });
    });
  }
}

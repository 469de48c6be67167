// createApp builds the Express application from its dependencies and never listens (STYLE:
// createApp separate from listen()), so tests run the real app in-process.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MIMEType } from 'node:util';
import { apiRoutes, ErrorCode } from '@secureaccess/shared/contract';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { components as defaultComponents, type AppContext, type Component } from './components';
import type { Config } from './config';
import type { Database } from './db';
import { AppError } from './http/app-error';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { buildOpenApiDocument } from './http/openapi';
import { requestIdMiddleware, requestIdOf } from './http/request-id';
import { apiBasePath, createApiRouter, mountMethodNotAllowed } from './http/route';
import { loggableUrl, type Logger } from './logger';
import type { Secrets } from './secrets';

export interface AppDeps {
  config: Config;
  db: Database;
  logger: Logger;
  secrets: Secrets;
  /** Defaults to the system clock. */
  clock?: () => Date;
  /** Defaults to every component of the API (components/index.ts). */
  components?: readonly Component[];
}

const serverVersion: string = JSON.parse(
  readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'),
).version;

/** The charset parameter of a Content-Type, lower-cased; null when the header does not parse. */
function charsetOf(contentType: string): string | undefined | null {
  try {
    return new MIMEType(contentType).params.get('charset')?.toLowerCase() ?? undefined;
  } catch {
    return null;
  }
}

/** A request with a body must declare it as JSON in UTF-8 (RFC 8259 §8.1); JSON is all this API speaks. */
const requireJsonBody: RequestHandler = (req, _res, next) => {
  // fetch() sends `Content-Length: 0` and no type for a POST without a body: that is no body
  // (read as `{}` by mountRoute), not a body of the wrong type.
  const empty = req.headers['content-length'] === '0' && !req.headers['content-type'];
  if (!empty && req.is('application/json') === false) {
    throw new AppError(ErrorCode.unsupportedMediaType, 415, 'Send the body as application/json');
  }
  const contentType = req.headers['content-type'];
  if (contentType !== undefined) {
    // body-parser would decode utf-16/utf-32 and anything iconv knows that starts with "utf-" (utf-7).
    const charset = charsetOf(contentType);
    if (charset === null || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')) {
      throw new AppError(ErrorCode.unsupportedMediaType, 415, 'Send the body as UTF-8 (charset=utf-8 or none)');
    }
  }
  next();
};

/** HTTP/1.1 requires Host (RFC 9112 §3.2); Node's own check answers with an empty body, so it is off. */
const requireHost: RequestHandler = (req, _res, next) => {
  if (req.httpVersion === '1.1' && req.headers.host === undefined) {
    throw new AppError(ErrorCode.badRequest, 400, 'The request has no Host header');
  }
  next();
};

/** Vault data and tokens must not sit in shared caches. */
const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

export function createApp(deps: AppDeps): Express {
  const context: AppContext = {
    config: deps.config,
    db: deps.db,
    logger: deps.logger,
    secrets: deps.secrets,
    clock: deps.clock ?? (() => new Date()),
  };
  const components = deps.components ?? defaultComponents;
  const authenticators = components.filter((c) => c.createAuthenticator);
  if (authenticators.length > 1) {
    throw new Error(`more than one component provides an authenticator: ${authenticators.map((c) => c.name)}`);
  }
  const authenticate = authenticators[0]?.createAuthenticator?.(context) ?? null;

  const app = express();
  app.disable('x-powered-by');
  // No automatic weak ETag (a SHA-1 over every JSON body, which also makes Express copy the body
  // into a Buffer): every answer is Cache-Control: no-store, and the routes where a validator
  // means something (an account's revision, the catalogue) set their own ETag, which Express's
  // If-None-Match freshness check still honours.
  app.set('etag', false);
  app.set('trust proxy', deps.config.trustProxy);

  app.use(requestIdMiddleware);
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req) => requestIdOf(req as express.Request),
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
      // Method, path (query values redacted but for an allow-list) and caller only: headers and
      // bodies stay out of the logs.
      serializers: {
        req: (req: { id: string; method: string; url: string; remoteAddress?: string; headers?: Record<string, string> }) => ({
          id: req.id,
          method: req.method,
          url: loggableUrl(req.url),
          remoteAddress: req.remoteAddress,
          userAgent: req.headers?.['user-agent'],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(requireHost);
  app.use(helmet());
  app.use(noStore);
  app.use(requireJsonBody);
  app.use(express.json({ limit: deps.config.jsonBodyLimitBytes, strict: true, type: 'application/json' }));

  const openApiDocument = buildOpenApiDocument(apiRoutes, { version: serverVersion });
  app.get(`${apiBasePath}/openapi.json`, (_req, res) => {
    res.json(openApiDocument);
  });

  const router = createApiRouter({
    authenticate,
    validateResponses: deps.config.validateResponses,
    clock: context.clock,
  });
  for (const component of components) component.registerRoutes(router, context);
  mountMethodNotAllowed(router);
  app.use(router.express);

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}

// The one four-argument error middleware: every failure leaves as
// {"error":{"code","message","requestId"}} with the right status, and never with a stack.
import { ErrorCode, type ErrorBody } from '@secureaccess/shared/contract';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { databaseRetryAfterSeconds, describeDatabaseError, isDatabaseUnavailableError, isExhaustedConflictError, loggableError } from '../db/availability';
import { AppError } from './app-error';
import { requestIdOf } from './request-id';

/**
 * Errors of the HTTP layers under the routes (body-parser, the router's parameter decoding) are
 * the client's fault: they carry a 4xx `status` and, from body-parser, a `type`.
 */
function fromFramework(error: unknown): AppError | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const { type, status } = error as { type?: unknown; status?: unknown };
  switch (type) {
    case 'entity.parse.failed':
      return new AppError(ErrorCode.malformedJson, 400, 'The request body is not valid JSON');
    case 'entity.too.large':
      return new AppError(ErrorCode.payloadTooLarge, 413, 'The request body is too large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError(ErrorCode.unsupportedMediaType, 415, 'Unsupported body encoding or charset');
    case 'request.aborted':
      return new AppError('request_aborted', 400, 'The request was aborted');
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new AppError(ErrorCode.badRequest, 400, 'The request body could not be read');
  }
  // The router's decodeURIComponent of a path parameter (`%`, `%FF`, `%E0%A4%A`).
  if (error instanceof URIError && status === 400) {
    return new AppError(ErrorCode.malformedPath, 400, 'The URL path has invalid percent-encoding');
  }
  // body-parser wraps a failing gzip/deflate/br stream (corrupt or truncated) as a bare 400.
  if (typeof status === 'number' && status >= 400 && status < 500 && (error as { expose?: unknown }).expose === true) {
    return new AppError(ErrorCode.malformedBody, 400, 'The request body could not be decoded');
  }
  return undefined;
}

function databaseUnavailable(): AppError {
  return new AppError(ErrorCode.databaseUnavailable, 503, 'The database is unavailable; retry shortly', {
    expose: true,
    headers: { 'Retry-After': String(databaseRetryAfterSeconds) },
  });
}

export const notFoundHandler: RequestHandler = (req) => {
  throw new AppError(ErrorCode.notFound, 404, `No route for ${req.method} ${req.path}`);
};

export const errorHandler: ErrorRequestHandler = (error, req, res, next) => {
  if (res.headersSent) {
    next(error); // Express closes the connection
    return;
  }
  // A transaction still deadlocked after every re-run (db.transaction) is the database being too
  // busy right now, not a bug: the client may retry, as after an outage.
  const unavailable = !(error instanceof AppError) && (isDatabaseUnavailableError(error) || isExhaustedConflictError(error));
  const appError = error instanceof AppError ? error : unavailable ? databaseUnavailable() : fromFramework(error);
  const requestId = requestIdOf(req);
  const status = appError?.status ?? 500;
  if (unavailable) {
    req.log?.error({ database: describeDatabaseError(error), requestId }, 'database unavailable');
  } else if (status >= 500) {
    req.log?.error({ err: loggableError(error), requestId }, 'request failed');
  }
  for (const [name, value] of Object.entries(appError?.headers ?? {})) res.setHeader(name, value);
  const body: ErrorBody = {
    error: {
      code: appError?.code ?? ErrorCode.internalError,
      message:
        appError && appError.expose ? appError.message : 'An unexpected error occurred; quote the request id',
      requestId,
      ...(appError?.expose && appError.details !== undefined ? { details: appError.details } : {}),
    },
  };
  res.status(status).json(body);
};

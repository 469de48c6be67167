// The one four-argument error middleware: every failure leaves as
// {"error":{"code","message","requestId"}} with the right status, and never with a stack.
import { ErrorCode, type ErrorBody } from '@secureaccess/shared/contract';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from './app-error';
import { requestIdOf } from './request-id';

/** body-parser marks its errors with `type`; these are the client's fault, not ours. */
function fromBodyParser(error: unknown): AppError | undefined {
  const type = (error as { type?: unknown } | null)?.type;
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
      return new AppError('bad_request', 400, 'The request body could not be read');
    default:
      return undefined;
  }
}

export const notFoundHandler: RequestHandler = (req) => {
  throw new AppError(ErrorCode.notFound, 404, `No route for ${req.method} ${req.path}`);
};

export const errorHandler: ErrorRequestHandler = (error, req, res, next) => {
  if (res.headersSent) {
    next(error); // Express closes the connection
    return;
  }
  const appError = error instanceof AppError ? error : fromBodyParser(error);
  const requestId = requestIdOf(req);
  const status = appError?.status ?? 500;
  if (status >= 500) {
    req.log?.error({ err: error, requestId }, 'request failed');
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

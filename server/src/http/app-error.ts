import { ErrorCode } from '@secureaccess/shared/contract';

export interface AppErrorOptions {
  /** Whether `message` may be shown to the client; defaults to true below 500, false from 500. */
  expose?: boolean;
  /** Structured detail for the client (e.g. the fields that failed validation). */
  details?: unknown;
  /** Extra response headers (Retry-After, Allow, WWW-Authenticate…). */
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * The one error type the API answers with: `code` is the stable snake_case string clients switch
 * on (DESIGN §7), `status` the HTTP status. Anything else thrown becomes a 500 internal_error.
 */
export class AppError extends Error {
  override name = 'AppError';
  readonly expose: boolean;
  readonly details: unknown;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.expose = options.expose ?? status < 500;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }

  static notFound(message = 'Not found'): AppError {
    return new AppError(ErrorCode.notFound, 404, message);
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

import { z } from 'zod';

/** Every error code the API can answer with (DESIGN §7). Clients switch on these, never on messages. */
export const ErrorCode = {
  validationFailed: 'validation_failed',
  malformedJson: 'malformed_json',
  /** 400: the body could not be decoded (a corrupt or truncated gzip/deflate/br stream). */
  malformedBody: 'malformed_body',
  /** 400: the URL's path has invalid percent-encoding (`%`, `%FF`, `%E0%A4%A`…). */
  malformedPath: 'malformed_path',
  /** 400: the request could not be parsed as HTTP (bad chunking, conflicting lengths, no Host…). */
  badRequest: 'bad_request',
  /** 431: the request's headers (or URL) exceed the server's limit. */
  headersTooLarge: 'headers_too_large',
  payloadTooLarge: 'payload_too_large',
  unsupportedMediaType: 'unsupported_media_type',
  notFound: 'not_found',
  methodNotAllowed: 'method_not_allowed',
  internalError: 'internal_error',
  serviceUnavailable: 'service_unavailable',
  /** 503 with Retry-After: the database is down, unreachable or did not answer within its timeout. */
  databaseUnavailable: 'database_unavailable',
  rateLimited: 'rate_limited',
  // authentication and sessions (401 unless noted)
  invalidCredentials: 'invalid_credentials',
  mfaRequired: 'mfa_required',
  invalidMfaCode: 'invalid_mfa_code',
  /** 423: too many failed logins for this identifier. */
  accountLocked: 'account_locked',
  /** 403: the account was deactivated by an admin. */
  accountInactive: 'account_inactive',
  invalidRefreshToken: 'invalid_refresh_token',
  refreshTokenReused: 'refresh_token_reused',
  /** 401: missing, malformed, expired or revoked access token. */
  unauthorized: 'unauthorized',
  /** 403: authenticated, but the role does not allow the route. */
  forbidden: 'forbidden',
  /** 403: sign-ups are closed by the organisation settings. */
  registrationClosed: 'registration_closed',
  /** 409: the new master password is one of the last 5. */
  passwordReused: 'password_reused',
  /** 401: the recovery proof does not match (same answer for an unknown email). */
  invalidRecoveryCode: 'invalid_recovery_code',
  // two-factor enrolment (409)
  mfaAlreadyEnabled: 'mfa_already_enabled',
  mfaNotEnabled: 'mfa_not_enabled',
  /** 409: `enable` before `setup`. */
  mfaSetupRequired: 'mfa_setup_required',
  // resources
  /** 409: If-Match carried a stale revision; `details.currentRevision` has the current one. */
  revisionConflict: 'revision_conflict',
  /** 428: PUT without If-Match. */
  preconditionRequired: 'precondition_required',
  /** 403: the application's access is declined or it is inactive; `details.access` says which. */
  accessDeclined: 'access_declined',
  /** 409: uuid already exists, application still in use, … */
  conflict: 'conflict',
  /** 409: the change would leave the organisation without an active admin. */
  lastAdmin: 'last_admin',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** `{"error":{"code","message"}}` — the one error shape of the API. */
export const errorBodySchema = z
  .object({
    error: z
      .object({
        code: z.string().regex(/^[a-z][a-z0-9_]*$/),
        message: z.string(),
        requestId: z.string().optional(),
        details: z.unknown().optional(),
      })
      .strict(),
  })
  .strict();
export type ErrorBody = z.infer<typeof errorBodySchema>;

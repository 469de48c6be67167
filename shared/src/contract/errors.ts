import { z } from 'zod';

/** Every error code the API can answer with (DESIGN §7). Clients switch on these, never on messages. */
export const ErrorCode = {
  validationFailed: 'validation_failed',
  malformedJson: 'malformed_json',
  payloadTooLarge: 'payload_too_large',
  unsupportedMediaType: 'unsupported_media_type',
  notFound: 'not_found',
  methodNotAllowed: 'method_not_allowed',
  internalError: 'internal_error',
  serviceUnavailable: 'service_unavailable',
  rateLimited: 'rate_limited',
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

import { z } from 'zod';
import { base64DecodedLength, base64Length, base64Pattern, base64PatternForBytes } from '../crypto/base64';

// Building blocks shared by the route contracts. Every schema here is JSON-schema representable:
// string "overwrites" (trim, toLowerCase, normalize) and refinements are allowed, transforms are not.

/** Canonical standard base64 (padding required, zero trailing bits) of exactly `bytes` bytes. */
export function base64Bytes(bytes: number) {
  return text().regex(new RegExp(base64PatternForBytes(bytes)), { message: `must be standard base64 of ${bytes} bytes` });
}

/** Canonical standard base64 of `minBytes`..`maxBytes` bytes. */
export function base64Range(minBytes: number, maxBytes: number) {
  return text()
    .max(base64Length(maxBytes))
    .regex(new RegExp(base64Pattern), { message: 'must be canonical standard base64' })
    .refine((s) => {
      const n = base64DecodedLength(s);
      return n >= minBytes && n <= maxBytes;
    }, `must decode to ${minBytes}..${maxBytes} bytes`);
}

// ---------------------------------------------------------------------------------------------
// Text

// Code points only, no lone UTF-16 surrogate: JSON can carry one (`"\ud800"`), but it has no UTF-8
// form, so MariaDB's utf8mb4 refuses it (or a driver swaps in U+FFFD) — a 500 or silent damage.
// In `u` mode the class sees a surrogate pair as one astral code point, so emoji pass.
const wellFormedUnicodePattern = /^[^\uD800-\uDFFF]*$/u;

/**
 * The one string builder of every request field (a meta-test checks each field of the contract
 * carries its pattern): `text().trim().max(100)` instead of `z.string()…`.
 */
export function text() {
  return z.string().regex(wellFormedUnicodePattern, { message: 'must be well-formed Unicode (no lone surrogate)' });
}

/** For meta-tests: the pattern `text()` publishes in JSON Schema. */
export const wellFormedUnicodeSource = wellFormedUnicodePattern.source;

// ---------------------------------------------------------------------------------------------
// Identifiers and timestamps

/** Canonical (lower-case) UUID — the form used in associated data, so exactly one is accepted. */
export const uuidSchema = text().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, {
    message: 'must be a lower-case UUID',
  });

/** Instants are ISO 8601 UTC strings as produced by `Date.prototype.toISOString()`. */
export const timestampSchema = z.iso.datetime();
/** Filters may carry an offset. */
export const timestampFilterSchema = z.iso.datetime({ offset: true });

/** Opaque pagination / sync cursor: the client echoes what the server gave, never builds one. */
export const cursorSchema = text().regex(/^[A-Za-z0-9_.:~-]{1,200}$/, { message: 'invalid cursor' });

/** Page size in a query string (`?limit=50`). */
export const limitQuerySchema = z.coerce.number().int().min(1).max(200);

/** Query-string boolean: exactly `true` or `false` (no coercion surprises like "0" → true). */
export const queryBooleanSchema = z.enum(['true', 'false']);

/** For POST routes without a payload: `{}` (or no body, which the server reads as `{}`). */
export const emptyBodySchema = z.object({}).strict();

// ---------------------------------------------------------------------------------------------
// People

// Local part: dot-separated atoms without spaces, quotes or specials; domain: at least two
// dot-separated labels, the last one ≥ 2 characters. Unicode is allowed (NFC-normalised) on both.
const emailPattern =
  /^(?=[^@]{1,64}@)[^\s@<>()[\]\\,;:".]+(?:\.[^\s@<>()[\]\\,;:".]+)*@(?:[^\s@<>()[\]\\,;:"._-][^\s@<>()[\]\\,;:".]*\.)+[^\s@<>()[\]\\,;:".\d_-]{2,}$/;

/**
 * Email as the server stores and compares it: trimmed, lower-cased, NFC, validated, ≤ 254
 * characters. `normalizeEmail` of `@secureaccess/shared/crypto` applies the same steps.
 */
export const emailSchema = text()
  .max(320)
  .trim()
  .toLowerCase()
  .normalize('NFC')
  .max(254)
  .regex(emailPattern, { message: 'must be a valid email address' });

/** A person's first or last name. */
export const personNameSchema = text().trim().normalize('NFC').min(1).max(100);

export const roleSchema = z.enum(['reader', 'editor', 'admin']);
export const userStatusSchema = z.enum(['active', 'inactive', 'locked']);

/** The user as login and register return it. `id` is the user's UUID (the JWT `sub`). */
export const userSummarySchema = z
  .object({
    id: uuidSchema,
    email: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    role: roleSchema,
  })
  .strict();
export type UserSummary = z.infer<typeof userSummarySchema>;

// ---------------------------------------------------------------------------------------------
// Access decisions (DESIGN §8)

export const accessStateSchema = z.enum(['granted', 'declined']);

/** Why access is refused: the application is inactive, its match strategy is `never`, or access is declined. */
export const accessRefusalReasonSchema = z.enum(['inactive', 'never', 'declined']);
export type AccessRefusalReason = z.infer<typeof accessRefusalReasonSchema>;

/**
 * What the API answers whenever it decides whether credentials may be used for an application:
 * `value` is the application's current `accessGrantedValue` or `accessDeclinedValue`; `allowed`
 * is false when access is declined or the application is inactive (then no account is released).
 */
export const accessDecisionSchema = z
  .object({
    applicationId: uuidSchema,
    state: accessStateSchema,
    value: z.string(),
    isActive: z.boolean(),
    allowed: z.boolean(),
    /** Null when allowed. */
    reason: accessRefusalReasonSchema.nullable(),
    /** When the decision was made (the shared decideAccess takes `now`). */
    decidedAt: timestampSchema,
  })
  .strict();
export type AccessDecision = z.infer<typeof accessDecisionSchema>;

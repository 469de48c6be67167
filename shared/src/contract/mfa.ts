import { z } from 'zod';
import { defineRoute } from './routes';
import { emptyBodySchema } from './common';
import { mfaCodeSchema } from './auth';

export const backupCodeCount = 10;

export const totpSetupResponseSchema = z
  .object({
    /** Base32 TOTP secret (RFC 4648 alphabet, no padding) for manual entry. */
    secret: z.string().regex(/^[A-Z2-7]{16,128}$/),
    otpauthUrl: z.string().startsWith('otpauth://totp/'),
    /** The otpauth URL as a QR code, `data:image/png;base64,…`. */
    qrDataUrl: z.string().startsWith('data:image/'),
  })
  .strict();
export type TotpSetupResponse = z.infer<typeof totpSetupResponseSchema>;

export const mfaCodeBodySchema = z.object({ code: mfaCodeSchema }).strict();
export type MfaCodeBody = z.input<typeof mfaCodeBodySchema>;

/** Shown once: the server keeps only their hashes. */
export const backupCodesResponseSchema = z
  .object({ backupCodes: z.array(z.string().min(6).max(32)).length(backupCodeCount) })
  .strict();
export type BackupCodesResponse = z.infer<typeof backupCodesResponseSchema>;

export const mfaRoutes = {
  totpSetup: defineRoute({
    method: 'post',
    path: '/mfa/totp/setup',
    summary: 'Start TOTP enrolment: a new pending secret, its otpauth URL and QR code',
    auth: 'bearer',
    request: { body: emptyBodySchema },
    responses: { 200: totpSetupResponseSchema },
  }),
  totpEnable: defineRoute({
    method: 'post',
    path: '/mfa/totp/enable',
    summary: 'Confirm enrolment with a current code; returns 10 one-time backup codes',
    auth: 'bearer',
    request: { body: mfaCodeBodySchema },
    responses: { 200: backupCodesResponseSchema },
  }),
  totpDisable: defineRoute({
    method: 'post',
    path: '/mfa/totp/disable',
    summary: 'Turn two-factor login off (needs a current TOTP or backup code)',
    auth: 'bearer',
    request: { body: mfaCodeBodySchema },
    responses: { 204: null },
  }),
  regenerateBackupCodes: defineRoute({
    method: 'post',
    path: '/mfa/backup-codes/regenerate',
    summary: 'Replace every backup code (needs a current TOTP code); the old ones stop working',
    auth: 'bearer',
    request: { body: mfaCodeBodySchema },
    responses: { 200: backupCodesResponseSchema },
  }),
} as const;

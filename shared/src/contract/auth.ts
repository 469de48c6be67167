import { z } from 'zod';
import { defineRoute } from './routes';
import {
  base64Bytes,
  text,
  emailSchema,
  emptyBodySchema,
  personNameSchema,
  roleSchema,
  timestampSchema,
  userStatusSchema,
  userSummarySchema,
  uuidSchema,
} from './common';
import { keyVersionSchema, wrappedUserKeySchema } from './envelope';
import { kdfParamsSchema, kdfSaltSchema } from './kdf';

/** `base64(HKDF-SHA256(masterKey, info="secureaccess/auth/v1"))`: 32 bytes. */
export const authHashSchema = base64Bytes(32);

/** An opaque refresh token of ≥ 256 random bits, base64url without padding (43+ characters). */
export const refreshTokenSchema = text().regex(/^[A-Za-z0-9_-]{43,128}$/, { message: 'invalid refresh token' });

/** A TOTP code (6 digits) or a one-time backup code; spaces and case are the server's to ignore. */
export const mfaCodeSchema = text().trim().min(6).max(32).regex(/^[0-9A-Za-z -]+$/, { message: 'invalid code' });

export const deviceSchema = z
  .object({
    name: text().trim().min(1).max(100),
    type: z.enum(['extension', 'browser', 'desktop', 'mobile', 'cli', 'other']),
  })
  .strict();

/**
 * What the recovery code of DESIGN §5a contributes at sign-up (and after a recovery):
 * `authHash` proves knowledge of the code (server stores argon2id of it, like a password),
 * `wrappedUserKey` is the user key wrapped under the recovery key.
 */
export const recoveryKeyMaterialSchema = z
  .object({ authHash: authHashSchema, wrappedUserKey: wrappedUserKeySchema })
  .strict();

/** Everything a client needs to unwrap the user key after login. */
export const userKeysSchema = z
  .object({
    wrappedUserKey: wrappedUserKeySchema,
    kdf: kdfParamsSchema,
    salt: kdfSaltSchema,
    keyVersion: keyVersionSchema,
  })
  .strict();

export const tokenPairSchema = z
  .object({
    accessToken: z.string().min(1),
    refreshToken: refreshTokenSchema,
    tokenType: z.literal('Bearer'),
    /** Access-token lifetime in seconds. */
    expiresIn: z.number().int().positive(),
  })
  .strict();
export type TokenPair = z.infer<typeof tokenPairSchema>;

// ---- prelogin --------------------------------------------------------------------------------
export const preloginBodySchema = z.object({ email: emailSchema }).strict();
export const preloginResponseSchema = z.object({ kdf: kdfParamsSchema, salt: kdfSaltSchema }).strict();

// ---- register --------------------------------------------------------------------------------
export const registerBodySchema = z
  .object({
    email: emailSchema,
    firstName: personNameSchema,
    lastName: personNameSchema,
    authHash: authHashSchema,
    kdf: kdfParamsSchema,
    salt: kdfSaltSchema,
    wrappedUserKey: wrappedUserKeySchema,
    recovery: recoveryKeyMaterialSchema,
  })
  .strict();
export const registerResponseSchema = z.object({ user: userSummarySchema }).strict();

// ---- login / refresh / logout ----------------------------------------------------------------
export const loginBodySchema = z
  .object({
    email: emailSchema,
    authHash: authHashSchema,
    mfaCode: mfaCodeSchema.optional(),
    device: deviceSchema.optional(),
    /** Default true: 60-day absolute session lifetime instead of the idle-only 7 days. */
    rememberMe: z.boolean().optional(),
  })
  .strict();
export const loginResponseSchema = tokenPairSchema
  .extend({ user: userSummarySchema, keys: userKeysSchema })
  .strict();

export const refreshBodySchema = z.object({ refreshToken: refreshTokenSchema }).strict();
export const refreshResponseSchema = tokenPairSchema;

export const logoutBodySchema = z.object({ refreshToken: refreshTokenSchema.optional() }).strict();

// ---- password change -------------------------------------------------------------------------
export const changePasswordBodySchema = z
  .object({
    currentAuthHash: authHashSchema,
    newAuthHash: authHashSchema,
    newWrappedUserKey: wrappedUserKeySchema,
    newKdf: kdfParamsSchema.optional(),
    newSalt: kdfSaltSchema.optional(),
  })
  .strict();

// ---- recovery (DESIGN §5a) -------------------------------------------------------------------
export const recoveryKeyBodySchema = z.object({ email: emailSchema, recoveryAuthHash: authHashSchema }).strict();
export const recoveryKeyResponseSchema = z
  .object({ wrappedUserKey: wrappedUserKeySchema, keyVersion: keyVersionSchema })
  .strict();
export const recoveryResetBodySchema = z
  .object({
    email: emailSchema,
    recoveryAuthHash: authHashSchema,
    newAuthHash: authHashSchema,
    newKdf: kdfParamsSchema,
    newSalt: kdfSaltSchema,
    newWrappedUserKey: wrappedUserKeySchema,
    /** A fresh recovery code replacing the one just used (recommended: it was typed somewhere). */
    newRecovery: recoveryKeyMaterialSchema.optional(),
  })
  .strict();

/**
 * A new recovery code while signed in (the old one stops working): the master password proves it
 * is the person (a stolen access token alone cannot replace the way back in), `recovery` is the
 * same key material as at sign-up.
 */
export const recoveryRegenerateBodySchema = z
  .object({ currentAuthHash: authHashSchema, recovery: recoveryKeyMaterialSchema })
  .strict();

// ---- me --------------------------------------------------------------------------------------
export const profileSchema = userSummarySchema
  .extend({
    status: userStatusSchema,
    mfaEnabled: z.boolean(),
    createdAt: timestampSchema,
    lastLoginAt: timestampSchema.nullable(),
    lastLoginIp: z.string().nullable(),
    passwordChangedAt: timestampSchema.nullable(),
    /** Failed logins since the last successful one. */
    failedLoginAttempts: z.number().int().min(0),
  })
  .strict();
export type Profile = z.infer<typeof profileSchema>;
export const profileResponseSchema = z.object({ user: profileSchema }).strict();

export const updateProfileBodySchema = z
  .object({ firstName: personNameSchema.optional(), lastName: personNameSchema.optional() })
  .strict()
  .refine((body) => body.firstName !== undefined || body.lastName !== undefined, 'nothing to update');

export const themeSchema = z.enum(['system', 'light', 'dark']);
/** The extension's language: `auto` follows the browser's; the others override it. */
export const languageSchema = z.enum(['auto', 'en', 'es']);

/** Per-user settings of the extension, stored server-side so they follow the user. */
export const preferencesSchema = z
  .object({
    generator: z
      .object({
        kind: z.enum(['password', 'passphrase']),
        length: z.number().int().min(8).max(128),
        lowercase: z.boolean(),
        uppercase: z.boolean(),
        digits: z.boolean(),
        symbols: z.boolean(),
        avoidAmbiguous: z.boolean(),
        words: z.number().int().min(3).max(20),
        separator: text().max(3),
      })
      .strict(),
    /** Lock the vault after this many seconds without use; 0 = only on browser restart. */
    lockTimeoutSeconds: z.number().int().min(0).max(86_400),
    /** Clear a copied secret from the clipboard after this many seconds; 0 = never. */
    clipboardClearSeconds: z.number().int().min(0).max(600),
    notifications: z
      .object({ offerSave: z.boolean(), offerUpdate: z.boolean(), securityAlerts: z.boolean() })
      .strict(),
    theme: themeSchema,
    /** Optional on the wire so clients older than the setting keep saving their preferences. */
    language: languageSchema.default('auto'),
    /** Refresh-token lifetime policy for new sessions (DESIGN §6 "remember me"). */
    rememberMeByDefault: z.boolean(),
  })
  .strict();
export type Preferences = z.infer<typeof preferencesSchema>;

/** What a person without saved preferences gets: the server answers these, and the extension
 * uses them until the saved ones arrive. */
export const defaultPreferences: Preferences = {
  generator: {
    kind: 'password',
    length: 20,
    lowercase: true,
    uppercase: true,
    digits: true,
    symbols: true,
    avoidAmbiguous: false,
    words: 5,
    separator: '-',
  },
  lockTimeoutSeconds: 900,
  clipboardClearSeconds: 30,
  notifications: { offerSave: true, offerUpdate: true, securityAlerts: true },
  theme: 'system',
  language: 'auto',
  rememberMeByDefault: true,
};
export const preferencesResponseSchema = z.object({ preferences: preferencesSchema }).strict();

// ---- routes ----------------------------------------------------------------------------------
export const authRoutes = {
  prelogin: defineRoute({
    method: 'post',
    path: '/auth/prelogin',
    summary: 'KDF parameters and salt for an email (a stable fake answer for unknown ones)',
    auth: 'none',
    request: { body: preloginBodySchema },
    responses: { 200: preloginResponseSchema },
  }),
  register: defineRoute({
    method: 'post',
    path: '/auth/register',
    summary: 'Create an account (the first user becomes admin); 403 registration_closed when sign-ups are off',
    auth: 'none',
    request: { body: registerBodySchema },
    responses: { 201: registerResponseSchema },
  }),
  login: defineRoute({
    method: 'post',
    path: '/auth/login',
    summary: 'Log in with the auth hash (and TOTP/backup code when MFA is on); opens a session',
    auth: 'none',
    request: { body: loginBodySchema },
    responses: { 200: loginResponseSchema },
  }),
  refresh: defineRoute({
    method: 'post',
    path: '/auth/refresh',
    summary: 'Rotate a refresh token: a new access token and the successor refresh token',
    auth: 'none',
    request: { body: refreshBodySchema },
    responses: { 200: refreshResponseSchema },
  }),
  logout: defineRoute({
    method: 'post',
    path: '/auth/logout',
    summary: 'Revoke the current session (and the given refresh token family)',
    auth: 'bearer',
    request: { body: logoutBodySchema },
    responses: { 204: null },
  }),
  logoutAll: defineRoute({
    method: 'post',
    path: '/auth/logout-all',
    summary: 'Revoke every session of the current user, this one included',
    auth: 'bearer',
    request: { body: emptyBodySchema },
    responses: { 204: null },
  }),
  changePassword: defineRoute({
    method: 'post',
    path: '/auth/password',
    summary: 'Change the master password: new auth hash and re-wrapped user key; revokes other sessions',
    auth: 'bearer',
    request: { body: changePasswordBodySchema },
    responses: { 204: null },
  }),
  recoveryKey: defineRoute({
    method: 'post',
    path: '/auth/recovery/key',
    summary: 'Recovery step 1: the user key wrapped under the recovery key, for a valid recovery proof',
    auth: 'none',
    request: { body: recoveryKeyBodySchema },
    responses: { 200: recoveryKeyResponseSchema },
  }),
  recoveryReset: defineRoute({
    method: 'post',
    path: '/auth/recovery/reset',
    summary: 'Recovery step 2: set a new master password with the recovery proof; revokes every session',
    auth: 'none',
    request: { body: recoveryResetBodySchema },
    responses: { 204: null },
  }),
  recoveryRegenerate: defineRoute({
    method: 'post',
    path: '/auth/recovery/regenerate',
    summary: 'Replace the recovery code (needs the master password); the old code stops working',
    auth: 'bearer',
    request: { body: recoveryRegenerateBodySchema },
    responses: { 204: null },
  }),
  getMe: defineRoute({
    method: 'get',
    path: '/me',
    summary: 'The current user with their security overview',
    auth: 'bearer',
    responses: { 200: profileResponseSchema },
  }),
  updateMe: defineRoute({
    method: 'patch',
    path: '/me',
    summary: 'Change the current user’s name',
    auth: 'bearer',
    request: { body: updateProfileBodySchema },
    responses: { 200: profileResponseSchema },
  }),
  getPreferences: defineRoute({
    method: 'get',
    path: '/me/preferences',
    summary: 'The current user’s preferences (defaults until first saved)',
    auth: 'bearer',
    responses: { 200: preferencesResponseSchema },
  }),
  putPreferences: defineRoute({
    method: 'put',
    path: '/me/preferences',
    summary: 'Replace the current user’s preferences',
    auth: 'bearer',
    request: { body: preferencesSchema },
    responses: { 200: preferencesResponseSchema },
  }),
} as const;

export type PreloginBody = z.input<typeof preloginBodySchema>;
export type PreloginResponse = z.infer<typeof preloginResponseSchema>;
export type RegisterBody = z.input<typeof registerBodySchema>;
export type RegisterResponse = z.infer<typeof registerResponseSchema>;
export type LoginBody = z.input<typeof loginBodySchema>;
export type LoginResponse = z.infer<typeof loginResponseSchema>;
export type UserKeys = z.infer<typeof userKeysSchema>;
export type RefreshBody = z.input<typeof refreshBodySchema>;
export type RefreshResponse = z.infer<typeof refreshResponseSchema>;
export type LogoutBody = z.input<typeof logoutBodySchema>;
export type ChangePasswordBody = z.input<typeof changePasswordBodySchema>;
export type RecoveryKeyMaterial = z.infer<typeof recoveryKeyMaterialSchema>;
export type RecoveryKeyBody = z.input<typeof recoveryKeyBodySchema>;
export type RecoveryKeyResponse = z.infer<typeof recoveryKeyResponseSchema>;
export type RecoveryResetBody = z.input<typeof recoveryResetBodySchema>;
export type RecoveryRegenerateBody = z.input<typeof recoveryRegenerateBodySchema>;
export type ProfileResponse = z.infer<typeof profileResponseSchema>;
export type UpdateProfileBody = z.input<typeof updateProfileBodySchema>;
export type PreferencesResponse = z.infer<typeof preferencesResponseSchema>;
export type Device = z.infer<typeof deviceSchema>;

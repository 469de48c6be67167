// Account security (issue 9; DESIGN §5.6, §5a, §6): the user's sessions, two-factor login, the
// master-password change and the recovery code. The keys never leave the background: the options
// page and the popup send passwords and codes here, and get back only what a person must read
// (backup codes, a new recovery code) once.

import type { Session } from '@secureaccess/shared/contract';
import {
  deriveKeys,
  deriveRecoveryKeys,
  isCryptoError,
  makeNewPasswordKeys,
  makeRecoveryKit,
  normalizeEmail,
  unwrapUserKey,
  unwrapUserKeyWithRecoveryCode,
} from '@secureaccess/shared/crypto';
import { t } from '../i18n';
import { ExtensionError } from '../protocol';
import { accountHolderItem } from '../storage';
import { isApiError } from './api-client';
import { api, authed, endSession, explained, holder, requireUserKey, touchActivity } from './session';

/** Same rule as sign-up (session.register): at least 12 characters. */
const minimumPasswordLength = 12;

function assertStrongEnough(password: string): void {
  if (password.length < minimumPasswordLength) throw new ExtensionError('weak_password', t('errors.weakPassword'));
}

/** The API's error codes of these routes, as sentences (the rest go through toUserError). */
function explainAccountError(error: unknown): never {
  if (isApiError(error, 'password_reused')) throw new ExtensionError('password_reused', t('security.password.reused'));
  if (isApiError(error, 'invalid_credentials')) throw new ExtensionError('wrong_password', t('security.wrongCurrentPassword'));
  if (isApiError(error, 'invalid_recovery_code')) throw new ExtensionError('invalid_recovery_code', t('security.forgot.codeWrong'));
  if (isApiError(error, 'mfa_already_enabled')) throw new ExtensionError('mfa_already_enabled', t('security.mfa.alreadyOn'));
  if (isApiError(error, 'mfa_not_enabled')) throw new ExtensionError('mfa_not_enabled', t('security.mfa.alreadyOff'));
  if (isApiError(error, 'mfa_setup_required')) throw new ExtensionError('mfa_setup_required', t('security.mfa.setupExpired'));
  throw error;
}

/** `explained` (readable errors, a revoked session ends here too) after this area's own codes. */
function guarded<T>(fn: () => Promise<T>): Promise<T> {
  return explained(async () => {
    try {
      return await fn();
    } catch (error) {
      return explainAccountError(error);
    }
  });
}

/**
 * Derives the keys of the master password the person typed and checks it against the stored
 * wrapped key first (a typo is told at once, without a request that counts toward the lockout).
 */
async function proveMasterPassword(password: string) {
  const unlocked = await requireUserKey();
  const derived = await deriveKeys(password, unlocked.holder.keys.salt, unlocked.holder.keys.kdf);
  try {
    await unwrapUserKey(derived.wrapKey, unlocked.holder.keys.wrappedUserKey);
  } catch (error) {
    if (isCryptoError(error) && error.code === 'decryption_failed') {
      throw new ExtensionError('wrong_password', t('security.wrongCurrentPassword'));
    }
    throw error;
  }
  return { ...unlocked, authHash: derived.authHash };
}

// ---- sessions --------------------------------------------------------------------------------------

export function listSessions(): Promise<{ sessions: Session[] }> {
  return guarded(() => authed('sessions', 'list'));
}

export async function revokeSession(id: string): Promise<{ status: 'ok' }> {
  await guarded(() => authed('sessions', 'revoke', { params: { id } }));
  return { status: 'ok' };
}

/** Every session ends on the server, this one included; locally the extension is logged out. */
export async function logoutEverywhere(): Promise<{ status: 'ok' }> {
  await guarded(() => authed('auth', 'logoutAll', { body: {} }));
  await endSession(t('security.sessions.loggedOutEverywhere'));
  return { status: 'ok' };
}

// ---- two-factor ------------------------------------------------------------------------------------

export async function mfaStatus(): Promise<{ enabled: boolean }> {
  const { user } = await guarded(() => authed('auth', 'getMe'));
  return { enabled: user.mfaEnabled };
}

/** The server's pending secret; the page draws the QR code itself from `otpauthUrl`, so the picture is the text shown beside it. */
export async function startMfaSetup(): Promise<{ secret: string; otpauthUrl: string }> {
  await touchActivity();
  const { secret, otpauthUrl } = await guarded(() => authed('mfa', 'totpSetup', { body: {} }));
  return { secret, otpauthUrl };
}

export async function enableMfa(code: string): Promise<{ backupCodes: string[] }> {
  await touchActivity();
  return guarded(() => authed('mfa', 'totpEnable', { body: { code: code.trim() } }));
}

export async function disableMfa(code: string): Promise<{ status: 'ok' }> {
  await guarded(() => authed('mfa', 'totpDisable', { body: { code: code.trim() } }));
  return { status: 'ok' };
}

export function regenerateBackupCodes(code: string): Promise<{ backupCodes: string[] }> {
  return guarded(() => authed('mfa', 'regenerateBackupCodes', { body: { code: code.trim() } }));
}

// ---- master password -------------------------------------------------------------------------------

/**
 * Re-wraps the user key under the new password (no field is re-encrypted). The account's salt and
 * KDF are kept, so the server can tell a reuse of one of the last five passwords (it compares
 * auth hashes). The server revokes every other session; this one goes on with the new wrapped key.
 */
export async function changeMasterPassword(currentPassword: string, newPassword: string): Promise<{ status: 'ok' }> {
  return guarded(async () => {
    assertStrongEnough(newPassword);
    const { key, keyVersion, holder: current, authHash } = await proveMasterPassword(currentPassword);
    const next = await makeNewPasswordKeys(key, keyVersion, newPassword, current.keys.kdf, { salt: current.keys.salt });
    await authed('auth', 'changePassword', { body: { currentAuthHash: authHash, ...next } });
    await accountHolderItem.setValue({
      ...current,
      keys: { ...current.keys, wrappedUserKey: next.newWrappedUserKey, kdf: next.newKdf, salt: next.newSalt },
    });
    await touchActivity();
    return { status: 'ok' as const };
  });
}

// ---- recovery code ---------------------------------------------------------------------------------

/** A new recovery code (shown once); the server forgets the old one. */
export async function regenerateRecoveryCode(password: string): Promise<{ recoveryCode: string }> {
  return guarded(async () => {
    const { key, keyVersion, authHash } = await proveMasterPassword(password);
    const kit = await makeRecoveryKit(key, keyVersion);
    await authed('auth', 'recoveryRegenerate', { body: { currentAuthHash: authHash, recovery: kit.recovery } });
    await touchActivity();
    return { recoveryCode: kit.recoveryCode };
  });
}

/**
 * Forgot the master password (DESIGN §5a): the recovery code unwraps the user key, which is
 * re-wrapped under the new password (the vault stays as it is) and under a fresh recovery code.
 * The server ends every session, so this extension is logged out and logs in with the new one.
 * The code is read by the shared protocol's parser (spaces, hyphens, O/0, I/L/1 forgiven).
 */
export async function resetWithRecoveryCode(input: {
  email?: string;
  recoveryCode: string;
  newPassword: string;
}): Promise<{ recoveryCode: string; email: string }> {
  return guarded(async () => {
    const known = await holder();
    const typed = input.email?.trim() || known?.user.email;
    if (!typed) throw new ExtensionError('email_required', t('security.forgot.emailRequired'));
    const email = normalizeEmail(typed);
    let recoveryAuthHash: string;
    try {
      recoveryAuthHash = (await deriveRecoveryKeys(input.recoveryCode)).authHash;
    } catch (error) {
      if (isCryptoError(error) && error.code === 'invalid_recovery_code') {
        throw new ExtensionError('invalid_recovery_code', t('security.forgot.codeMistyped'));
      }
      throw error;
    }
    assertStrongEnough(input.newPassword);
    const released = await api.call('auth', 'recoveryKey', { body: { email, recoveryAuthHash } });
    const userKey = await unwrapUserKeyWithRecoveryCode(input.recoveryCode, released.wrappedUserKey);
    const { kdf, salt } = await api.call('auth', 'prelogin', { body: { email } });
    const next = await makeNewPasswordKeys(userKey, released.keyVersion, input.newPassword, kdf, { salt });
    const kit = await makeRecoveryKit(userKey, released.keyVersion);
    await api.call('auth', 'recoveryReset', { body: { email, recoveryAuthHash, ...next, newRecovery: kit.recovery } });
    userKey.fill(0);
    // Every session of that account is over; this extension's too when it is signed in as that account.
    if (!known || normalizeEmail(known.user.email) === email) await endSession(t('security.forgot.done'));
    return { recoveryCode: kit.recoveryCode, email };
  });
}

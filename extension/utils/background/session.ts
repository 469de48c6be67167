// Who is signed in, the tokens, and the unlocked user key. The only module that holds the key:
// in memory, mirrored to storage.session (memory-only, survives the Chrome service worker being
// stopped, gone on browser restart), never to storage.local.

import { browser } from 'wxt/browser';
import type { Preferences } from '@secureaccess/shared/contract';
import {
  decodeBase64,
  deriveKeys,
  encodeBase64,
  isCryptoError,
  makeRegistration,
  normalizeEmail,
  unwrapUserKey,
} from '@secureaccess/shared/crypto';
import { t } from '../i18n';
import { ExtensionError, type StatusView } from '../protocol';
import {
  accessTokenItem,
  accountHolderItem,
  authProgressItem,
  catalogueItem,
  lastActivityItem,
  lastEmailItem,
  pendingOffersItem,
  preferencesItem,
  refreshTokenItem,
  serverConfirmedItem,
  serverUrlItem,
  signOutNoticeItem,
  userKeyItem,
  vaultCacheItem,
  type AuthProgress,
  type StoredAccountHolder,
} from '../storage';
import { ApiError, createApiClient, isApiError, type CallOptions, type Component, type ResponseData, type RouteName } from './api-client';
import { shouldAutoLock } from './auto-lock';
import { createTokenManager, SessionEndedError } from './token-manager';
import { toUserError } from './user-errors';
import { routesByComponent } from '@secureaccess/shared/contract';

/** Defaults until the user's preferences arrive from the API. */
export const defaultLockTimeoutSeconds = 15 * 60; // 15 minutes
export const defaultClipboardClearSeconds = 30;
/** A pending two-factor step keeps the derived auth hash this long, then the password is asked again. */
const mfaStepTtlMs = 5 * 60 * 1000; // 5 minutes

export const api = createApiClient({ baseUrl: () => serverUrlItem.getValue() });

export const tokens = createTokenManager({
  store: {
    getAccess: () => accessTokenItem.getValue(),
    setAccess: (value) => accessTokenItem.setValue(value),
    getRefresh: () => refreshTokenItem.getValue(),
    setRefresh: (value) => refreshTokenItem.setValue(value),
  },
  refresh: (refreshToken) => api.call('auth', 'refresh', { body: { refreshToken } }),
  isSessionEnded: (error) =>
    isApiError(error, 'invalid_refresh_token') || isApiError(error, 'refresh_token_reused') || isApiError(error, 'unauthorized')
      ? new SessionEndedError((error as ApiError).code, (error as ApiError).message)
      : null,
});

type Listener = () => void;
const lockListeners = new Set<Listener>();
const unlockListeners = new Set<Listener>();
export function onLock(listener: Listener) {
  lockListeners.add(listener);
}
export function onUnlock(listener: Listener) {
  unlockListeners.add(listener);
}

let userKey: Uint8Array | null = null;
let pendingMfa: { email: string; authHash: string; wrapKey: Uint8Array; expiresAt: number } | null = null;

async function setProgress(step: AuthProgress['step'] | null): Promise<void> {
  await authProgressItem.setValue(step === null ? null : { step, startedAt: Date.now() });
}

async function serverUrl(): Promise<string> {
  return serverUrlItem.getValue();
}

export async function userError(error: unknown): Promise<ExtensionError> {
  return toUserError(error, await serverUrl());
}

/** Runs `fn` and turns any failure into an ExtensionError with a readable message. */
export async function explained<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof SessionEndedError) await endSession(t('errors.sessionEndedElsewhere'));
    throw await userError(error);
  }
}

/** An authenticated call: joins the single-flight refresh when the access token is stale or rejected. */
export async function authed<C extends Component, R extends RouteName<C>>(
  component: C,
  route: R,
  options?: Omit<CallOptions<(typeof routesByComponent)[C][R]>, 'accessToken'>,
): Promise<ResponseData<C, R>> {
  const token = await tokens.getAccessToken();
  try {
    return await api.call(component, route, { ...(options as object), accessToken: token } as never);
  } catch (error) {
    if (!isApiError(error, 'unauthorized')) throw error;
    const retryToken = await tokens.refreshAfterRejection(token);
    return api.call(component, route, { ...(options as object), accessToken: retryToken } as never);
  }
}

export async function preferences(): Promise<Pick<Preferences, 'lockTimeoutSeconds' | 'clipboardClearSeconds'> & Partial<Preferences>> {
  return (
    (await preferencesItem.getValue()) ?? {
      lockTimeoutSeconds: defaultLockTimeoutSeconds,
      clipboardClearSeconds: defaultClipboardClearSeconds,
    }
  );
}

export async function holder(): Promise<StoredAccountHolder | null> {
  return accountHolderItem.getValue();
}

/** The unlocked user key, restoring it from storage.session after a service-worker restart. */
export async function currentUserKey(): Promise<Uint8Array | null> {
  if (userKey) return userKey;
  const stored = await userKeyItem.getValue();
  if (!stored) return null;
  userKey = decodeBase64(stored, 'userKey');
  return userKey;
}

export async function requireUserKey(): Promise<{ key: Uint8Array; keyVersion: number; holder: StoredAccountHolder }> {
  const current = await holder();
  if (!current) throw new ExtensionError('logged_out', t('errors.notLoggedIn'));
  const key = await currentUserKey();
  if (!key) throw new ExtensionError('locked', t('errors.vaultLocked'));
  return { key, keyVersion: current.keys.keyVersion, holder: current };
}

export async function touchActivity(): Promise<void> {
  if (userKey || (await userKeyItem.getValue())) await lastActivityItem.setValue(Date.now());
}

export async function status(): Promise<StatusView> {
  const [url, confirmed, current, refresh, key, notice, prefs] = await Promise.all([
    serverUrl(),
    serverConfirmedItem.getValue(),
    holder(),
    refreshTokenItem.getValue(),
    currentUserKey(),
    signOutNoticeItem.getValue(),
    preferences(),
  ]);
  const lastEmail = await lastEmailItem.getValue();
  let phase: StatusView['phase'] = 'unlocked';
  if (!confirmed) phase = 'setup';
  else if (!current || !refresh) phase = 'logged-out';
  else if (!key) phase = 'locked';
  return {
    phase,
    serverUrl: url,
    user: current && phase !== 'logged-out' ? { ...current.user } : null,
    notice,
    lastEmail,
    clipboardClearSeconds: prefs.clipboardClearSeconds,
    lockTimeoutSeconds: prefs.lockTimeoutSeconds,
  };
}

export async function setServer(url: string): Promise<{ ready: boolean; message: string }> {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new ExtensionError('invalid_url', t('errors.serverAddressRequired'));
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ExtensionError('invalid_url', t('errors.serverAddressScheme'));
  }
  const normalized = parsed.origin + parsed.pathname.replace(/\/+$/, '');
  const previous = await serverUrl();
  const current = await holder();
  if (current && current.serverUrl !== normalized) {
    throw new ExtensionError('signed_in', t('errors.logOutBeforeSwitching'));
  }
  await serverUrlItem.setValue(normalized);
  try {
    const ready = await api.call('health', 'readyz');
    await serverConfirmedItem.setValue(true);
    return { ready: ready.status === 'ready', message: ready.status === 'ready' ? t('auth.server.ready') : t('auth.server.databaseDown') };
  } catch (error) {
    if (isApiError(error) && error.status === 503) {
      await serverConfirmedItem.setValue(true);
      return { ready: false, message: t('auth.server.databaseDown') };
    }
    await serverUrlItem.setValue(previous);
    throw await userError(error);
  }
}

function deviceName(): string {
  const firefox = typeof navigator !== 'undefined' && /firefox/i.test(navigator.userAgent);
  return firefox ? 'SecureAccess for Firefox' : 'SecureAccess for Chrome';
}

async function storeUnlockedKey(key: Uint8Array): Promise<void> {
  userKey = key;
  await userKeyItem.setValue(encodeBase64(key));
  await lastActivityItem.setValue(Date.now());
  unlockListeners.forEach((listener) => listener());
}

async function completeLogin(email: string, authHash: string, wrapKey: Uint8Array, mfaCode?: string): Promise<void> {
  await setProgress('signing-in');
  const response = await api.call('auth', 'login', {
    body: { email, authHash, mfaCode, device: { name: deviceName(), type: 'extension' }, rememberMe: true },
  });
  await setProgress('unwrapping');
  const key = await unwrapUserKey(wrapKey, response.keys.wrappedUserKey);
  const previous = await holder();
  if (previous && previous.user.id !== response.user.id) {
    // Another person's vault must not be merged into this one's cache.
    await vaultCacheItem.setValue(null);
  }
  await tokens.setTokens(response);
  await accountHolderItem.setValue({ user: response.user, keys: response.keys, serverUrl: await serverUrl() });
  await signOutNoticeItem.setValue(null);
  await storeUnlockedKey(key);
}

export async function login(email: string, password: string, mfaCode?: string): Promise<{ status: 'ok' } | { status: 'mfa-required' }> {
  try {
    const normalized = normalizeEmail(email);
    if (mfaCode && pendingMfa && pendingMfa.email === normalized && pendingMfa.expiresAt > Date.now()) {
      try {
        await completeLogin(normalized, pendingMfa.authHash, pendingMfa.wrapKey, mfaCode);
        pendingMfa = null;
        return { status: 'ok' };
      } catch (error) {
        if (isApiError(error, 'invalid_mfa_code') || isApiError(error, 'mfa_required')) throw error;
        pendingMfa = null;
        throw error;
      }
    }
    if (!password) throw new ExtensionError('password_required', t('errors.passwordRequired'));
    await setProgress('prelogin');
    const { kdf, salt } = await api.call('auth', 'prelogin', { body: { email: normalized } });
    await setProgress('deriving-key');
    const keys = await deriveKeys(password, salt, kdf);
    try {
      await completeLogin(normalized, keys.authHash, keys.wrapKey, mfaCode);
      return { status: 'ok' };
    } catch (error) {
      if (isApiError(error, 'mfa_required')) {
        pendingMfa = { email: normalized, authHash: keys.authHash, wrapKey: keys.wrapKey, expiresAt: Date.now() + mfaStepTtlMs };
        return { status: 'mfa-required' };
      }
      throw error;
    }
  } catch (error) {
    throw await userError(error);
  } finally {
    await setProgress(null);
  }
}

export async function register(input: { email: string; firstName: string; lastName: string; password: string }): Promise<{ recoveryCode: string }> {
  try {
    if (input.password.length < 12) {
      throw new ExtensionError('weak_password', t('errors.weakPassword'));
    }
    await setProgress('deriving-key');
    const registration = await makeRegistration(input);
    await setProgress('registering');
    await api.call('auth', 'register', { body: registration.body });
    // Sign straight in with the same auth hash (no second key derivation).
    await setProgress('signing-in');
    const email = registration.body.email;
    const response = await api.call('auth', 'login', {
      body: { email, authHash: registration.body.authHash, device: { name: deviceName(), type: 'extension' }, rememberMe: true },
    });
    await vaultCacheItem.setValue(null);
    await tokens.setTokens(response);
    await accountHolderItem.setValue({ user: response.user, keys: response.keys, serverUrl: await serverUrl() });
    await signOutNoticeItem.setValue(null);
    await storeUnlockedKey(registration.userKey);
    return { recoveryCode: registration.recoveryCode };
  } catch (error) {
    if (isApiError(error, 'conflict') || isApiError(error, 'validation_failed')) {
      throw new ExtensionError(
        (error as ApiError).code,
        (error as ApiError).code === 'conflict' ? t('errors.emailTaken') : (error as ApiError).message,
      );
    }
    throw await userError(error);
  } finally {
    await setProgress(null);
  }
}

/** Unlock offline: derive the wrap key from the master password and unwrap the stored user key. */
export async function unlock(password: string): Promise<void> {
  const current = await holder();
  if (!current || !(await refreshTokenItem.getValue())) throw new ExtensionError('logged_out', t('errors.notLoggedIn'));
  try {
    await setProgress('deriving-key');
    const { wrapKey } = await deriveKeys(password, current.keys.salt, current.keys.kdf);
    await setProgress('unwrapping');
    const key = await unwrapUserKey(wrapKey, current.keys.wrappedUserKey);
    await storeUnlockedKey(key);
  } catch (error) {
    if (isCryptoError(error) && error.code === 'decryption_failed') {
      throw new ExtensionError('wrong_password', t('errors.wrongMasterPassword'));
    }
    throw await userError(error);
  } finally {
    await setProgress(null);
  }
}

/** Forgets the user key and every decrypted value; the session (refresh token) stays. */
export async function lock(): Promise<void> {
  userKey?.fill(0);
  userKey = null;
  pendingMfa = null;
  await userKeyItem.setValue(null);
  await pendingOffersItem.setValue({});
  lockListeners.forEach((listener) => listener());
}

/** Ends the local session (after logout or when the server revoked it). */
export async function endSession(notice: string | null): Promise<void> {
  const ended = await holder();
  if (ended) await lastEmailItem.setValue(ended.user.email);
  await lock();
  await tokens.clear();
  await accountHolderItem.setValue(null);
  await vaultCacheItem.setValue(null);
  await catalogueItem.setValue(null);
  await preferencesItem.setValue(null);
  await signOutNoticeItem.setValue(notice);
}

export async function logout(): Promise<void> {
  const refreshToken = await refreshTokenItem.getValue();
  try {
    if (refreshToken) await authed('auth', 'logout', { body: { refreshToken } });
  } catch {
    // Offline or already revoked: the local session ends anyway.
  }
  await endSession(null);
}

/** Locks when the vault has been idle longer than the preference allows (0 = never by time). */
export async function lockIfIdle(now = Date.now()): Promise<boolean> {
  const unlocked = (await currentUserKey()) !== null;
  const { lockTimeoutSeconds } = await preferences();
  const lastActivityMs = await lastActivityItem.getValue();
  if (!shouldAutoLock({ unlocked, lockTimeoutSeconds, lastActivityMs, nowMs: now })) return false;
  await lock();
  return true;
}

export function extensionOrigin(): string {
  return browser.runtime.getURL('/').replace(/\/$/, '');
}

import { storage } from '#imports';
import type { Account, Application, Preferences, UserKeys, UserSummary } from '@secureaccess/shared/contract';
import type { TransferProgress } from './protocol';

// Every persisted value of the extension, defined once (STYLE: extension). What is secret lives in
// `session:` (memory only, cleared when the browser closes, and readable only by extension pages
// and the background — never by content scripts). docs/extension.md lists each item and why it
// is where it is; tests/e2e/storage-secrets.test.ts checks `local:` after a full session.

/** Base URL of the SecureAccess API this extension talks to (set on first run). */
export const serverUrlItem = storage.defineItem<string>('local:serverUrl', {
  fallback: 'http://127.0.0.1:8080',
  version: 1,
});

/** Whether the person confirmed the server URL on the first-run screen. */
export const serverConfirmedItem = storage.defineItem<boolean>('local:serverConfirmed', {
  fallback: false,
  version: 1,
});

/**
 * Who is signed in and what unlocking needs: the KDF parameters, salt and the *wrapped* user key
 * (AES-GCM ciphertext under a key derived from the master password — useless without it).
 */
export interface StoredAccountHolder {
  user: UserSummary;
  keys: UserKeys;
  serverUrl: string;
}
export const accountHolderItem = storage.defineItem<StoredAccountHolder | null>('local:accountHolder', {
  fallback: null,
  version: 1,
});

/**
 * The refresh token, on disk on purpose: it lets the browser restart end in "locked" (unlock with
 * the master password, offline) instead of a full login with two-factor every time. It cannot
 * decrypt anything, it rotates on every use, reuse of an old one revokes the whole family, and
 * logout revokes it server-side. The access token (10 minutes) and the user key never touch disk.
 */
export const refreshTokenItem = storage.defineItem<string | null>('local:refreshToken', {
  fallback: null,
  version: 1,
});

export interface StoredAccessToken {
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}
export const accessTokenItem = storage.defineItem<StoredAccessToken | null>('session:accessToken', {
  fallback: null,
  version: 1,
});

/**
 * The unwrapped user key (base64) while unlocked: storage.session only, so a Chrome service worker
 * that was stopped for idleness wakes up still unlocked, and a browser restart locks.
 */
export const userKeyItem = storage.defineItem<string | null>('session:userKey', {
  fallback: null,
  version: 1,
});

/** Epoch milliseconds of the last use of the unlocked vault (auto-lock timer). */
export const lastActivityItem = storage.defineItem<number>('session:lastActivity', {
  fallback: 0,
  version: 1,
});

/** Why the person was signed out (shown once on the login screen), e.g. a revoked session. */
export const signOutNoticeItem = storage.defineItem<string | null>('local:signOutNotice', {
  fallback: null,
  version: 1,
});

/** The email of the last session, so the login form is filled in after a logout or a revoked session (not a secret). */
export const lastEmailItem = storage.defineItem<string | null>('local:lastEmail', {
  fallback: null,
  version: 1,
});

/** Progress of a running login/unlock (the KDF takes a second or more): watched by the popup. */
export interface AuthProgress {
  step: 'prelogin' | 'deriving-key' | 'signing-in' | 'unwrapping' | 'syncing' | 'registering';
  startedAt: number;
}
export const authProgressItem = storage.defineItem<AuthProgress | null>('session:authProgress', {
  fallback: null,
  version: 1,
});

/** The encrypted vault as the API returned it, with the delta-sync cursor. Ciphertext only. */
export interface VaultCache {
  userId: string;
  cursor: string | null;
  accounts: Account[];
}
export const vaultCacheItem = storage.defineItem<VaultCache | null>('local:vaultCache', {
  fallback: null,
  version: 2,
  // v2 = protocol v1.1 (url and folder are envelopes): a v1 cache is dropped, so the next sync
  // fetches the whole vault, whose v1 rows come with legacyPlaintext and are upgraded then.
  migrations: { 2: () => null },
});

/** The application catalogue (organisation policy, not secret), matched locally. */
export interface CatalogueCache {
  applications: Application[];
  /** Epoch milliseconds. */
  fetchedAt: number;
  /** The ETag of `applications` (a conditional GET answers 304 while it is current); absent before v2 caches. */
  etag?: string | null;
  /** Epoch ms of the last successful revalidation (200 or 304). */
  checkedAt?: number | null;
  /** Epoch ms since when revalidation fails for want of the server (null: online). */
  offlineSince?: number | null;
}
export const catalogueItem = storage.defineItem<CatalogueCache | null>('local:catalogue', {
  fallback: null,
  version: 1,
});

/** The signed-in user's preferences as last read from the API (defaults until then). */
export const preferencesItem = storage.defineItem<Preferences | null>('local:preferences', {
  fallback: null,
  version: 1,
});

/** Hosts where the person chose "never save" (a host covers its subdomains). */
export const neverSitesItem = storage.defineItem<string[]>('local:neverSites', {
  fallback: [],
  version: 1,
});

/**
 * A login submitted a moment ago that the person may save or update. Holds the submitted password
 * until they answer (or 3 minutes pass), so it lives in storage.session: it must survive the
 * navigation that follows a login (and a service-worker restart), and never reach the disk.
 */
export interface PendingOffer {
  action: 'save' | 'update';
  tabId: number;
  /** URL of the frame the form was in (what the new account's URL and application come from). */
  frameUrl: string;
  host: string;
  username: string;
  password: string;
  /** The account to update (action `update`). */
  accountUuid: string | null;
  /** Epoch milliseconds. */
  createdAt: number;
}
export const pendingOffersItem = storage.defineItem<Record<string, PendingOffer>>('session:pendingOffers', {
  fallback: {},
  version: 1,
});

/** The username typed on the first step of a multi-step login, per tab, for the password step. */
export const usernameStepsItem = storage.defineItem<Record<string, { username: string; site: string; at: number }>>(
  'session:usernameSteps',
  { fallback: {}, version: 1 },
);

/**
 * Single-use fill tickets (DESIGN §9): one tab, one frame, one account, the confirmations the
 * person gave, and for a new-password form the generated password to fill. In storage.session so
 * that a Chrome worker stopped between the person's click and the frame's claim does not lose it.
 */
export interface StoredFillTicket {
  tabId: number;
  frameId: number;
  /** The account to fill; absent for a generated password alone (sign-up). */
  uuid: string | null;
  /** A generated password for the new-password (and confirmation) fields. */
  generated: string | null;
  confirmed: string[];
  /** Epoch milliseconds. */
  expiresAt: number;
}
export const fillTicketsItem = storage.defineItem<Record<string, StoredFillTicket>>('session:fillTickets', {
  fallback: {},
  version: 1,
});

/**
 * Open inline-UI sessions (menu, confirmation, save bar), keyed by the random token in the frame's
 * src. In storage.session so a menu that is still open when the worker restarts keeps working.
 */
export interface StoredInlineSession {
  tabId: number;
  /** The frame holding the field (the menu itself is drawn by the top frame). */
  frameId: number;
  kind: 'menu' | 'confirm' | 'offer';
  tabUrl: string;
  accountUuid?: string;
  confirm?: { keys: string[]; message: string; confirmed: string[] };
  /** Why the field cannot be filled (shown instead of the accounts), when the frame said so. */
  blocked?: string;
  /** The form asks for a new password: 'sign-up' or 'change-password'. */
  formKind?: 'login' | 'sign-up' | 'change-password';
  /** A password generated for this menu (shown, then filled on a pick). */
  generated?: string;
  /** The frame id of the inline UI page that first presented the token (it owns it from then on). */
  uiFrameId?: number;
  createdAt: number;
}
export const inlineSessionsItem = storage.defineItem<Record<string, StoredInlineSession>>('session:inlineSessions', {
  fallback: {},
  version: 1,
});

/**
 * How the extension looks and speaks: the `theme` and `language` preferences, copied here when
 * they are read from or saved to the API. Kept after logout (nothing secret), so the login screen
 * stays in the person's language and theme. Every extension page and the inline frames follow it.
 */
export interface DisplaySettings {
  theme: Preferences['theme'];
  language: Preferences['language'];
}
export const displayItem = storage.defineItem<DisplaySettings>('local:display', {
  fallback: { theme: 'system', language: 'auto' },
  version: 1,
});

// ---- transfer (import & export)
/**
 * The running import's progress (counts only, no row contents), so that a page polling after the
 * service worker was stopped learns how far the import got (utils/background/transfer-service.ts).
 */
export const transferProgressItem = storage.defineItem<TransferProgress | null>('session:transferProgress', {
  fallback: null,
  version: 1,
});

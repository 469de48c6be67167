// The one message protocol of the extension (STYLE: a handler map). Popup, options, the inline UI
// frame and content scripts ask the background; the background asks content scripts. Every
// request and response type is listed here; the dispatcher checks who sent a message before any
// handler runs. Pure: no extension APIs, so the checks are unit-tested.

import type { ConfirmReason, RefuseReason } from './forms/plan-fill';
import type { FillApplication } from './forms/plan-fill';
import type { HiddenReason } from './forms/visibility';
import type { AccessDecision, AccountPlaintexts, Preferences, Profile, Role, SecretField, Session } from '@secureaccess/shared/contract';
import type { SiteRulesInput } from '@secureaccess/shared/generator';
// people (admin-people): users, audit log, organisation settings, own activity
import type { AdminUser, AuditEntry, AuditVerificationResponse, OrganisationSettings, UpdateUserBody } from '@secureaccess/shared/contract';
// ---- catalogue (admin console) imports ----
import type { Application, CreateApplicationBody, UpdateApplicationBody } from '@secureaccess/shared/contract';
import type { CatalogueCsvRow } from '@secureaccess/shared/catalogue-csv';
import type { ImportFormat } from '@secureaccess/shared/import';

export const protocolChannel = 'secureaccess/v1';

// ---- shared view types -------------------------------------------------------------------------

export type Phase = 'setup' | 'logged-out' | 'locked' | 'unlocked';

export interface StatusView {
  phase: Phase;
  serverUrl: string;
  user: { email: string; firstName: string; lastName: string; role: Role } | null;
  /** Shown once on the login screen (e.g. "your session was revoked"). */
  notice: string | null;
  /** The email of the session that ended last: the login form starts with it. */
  lastEmail: string | null;
  clipboardClearSeconds: number;
  lockTimeoutSeconds: number;
}

/** Which kind of form a field belongs to (the detector's `formKind`). */
export type FormKind = 'login' | 'sign-up' | 'change-password';

/** A sign-up or change-password form's new-password field: what the site says it accepts. */
export interface NewPasswordFormView {
  kind: 'sign-up' | 'change-password';
  rules: SiteRulesInput;
}

/** The shared decideAccess's decision, with the sentence a person reads about it. */
export type AccessView = AccessDecision & { message: string };

/** How current the catalogue that decides access is (DESIGN §8: fresh at the moment of use). */
export interface CatalogueFreshness {
  /** The last revalidation could not reach the server: the cached catalogue decides. */
  offline: boolean;
  /** Epoch ms of the last successful revalidation (null: never). */
  checkedAt: number | null;
}

export interface AccountView {
  uuid: string;
  /** The account's own title, else the application's name, else the host of the account's URL. */
  name: string;
  /** The account's own title (null: none given). */
  title: string | null;
  applicationId: string | null;
  url: string | null;
  folder: string | null;
  username: string;
  revision: number;
  updatedAt: string;
  deletedAt: string | null;
  access: AccessView | null;
}

export interface PageMatchView {
  /** Host of the tab's page, for "accounts for example.com". */
  host: string | null;
  /** Applications the page matched, best first, with their access decision. */
  applications: { id: string; name: string; decision: AccessView }[];
}

export interface VaultListView {
  page: PageMatchView;
  /** Accounts that match the tab (usable or not — `access` says), best first. */
  matching: AccountView[];
  /** Every account not in the trash, by name. */
  all: AccountView[];
  trash: AccountView[];
  syncedAt: number | null;
  catalogue: CatalogueFreshness;
}

/** Every secret field of an account in clear (the contract's `secretFields`; '' when empty). */
export type AccountSecrets = Record<SecretField, string>;

/** A new account (no uuid) or the replacement of one: every secret field in clear, optional ones may be left out. */
export type SaveAccountRequest = { uuid?: string } & AccountPlaintexts;

export type FillOutcome =
  | { status: 'filled'; fields: number }
  /** One question naming every reason; "yes" sends back all of `keys`. */
  | { status: 'confirm'; reasons: ConfirmReason[]; keys: string[]; message: string }
  | { status: 'refused'; code: RefuseReason['code'] | 'locked' | 'no-match' | 'not-allowed'; message: string }
  | { status: 'no-form'; message: string };

/** What the framed inline UI shows: the account menu, a fill confirmation or a save offer. */
export type InlineState =
  | {
      kind: 'menu';
      phase: Phase;
      host: string;
      /** A sign-up or change-password form: the menu offers `generated` (and, on a change, fills the current password of the account picked). */
      formKind: FormKind;
      /** A strong password the site's rules accept, for the form's new-password fields (null: none could be made, or a login form). */
      generated: string | null;
      accounts: { uuid: string; name: string; username: string }[];
      /** Set when the page's application refuses autofill: the reason, with its declined value. */
      blocked: string | null;
      /** Set when the catalogue could not be revalidated: what the menu shows is the cached one. */
      offline: string | null;
    }
  | { kind: 'confirm'; accountUuid: string; message: string; keys: string[]; confirmed: string[] }
  | { kind: 'offer'; offer: SaveOfferView };

export interface SaveOfferView {
  action: 'save' | 'update';
  host: string;
  username: string;
  /** Name of the application the login will be filed under (or the one that will be created). */
  applicationName: string;
  canSave: boolean;
  /** Why it cannot be saved (role), when `canSave` is false. */
  reason: string | null;
}

/** What a content script gets for a fill ticket: the credentials, or a confirmation to ask first. */
export type ClaimedFill =
  | {
      status: 'release';
      account: { username: string; password: string };
      /** A generated password for the form's new-password fields (new-password forms only). */
      generated: string | null;
      application: FillApplication;
      topUrl: string;
      /** Confirmation keys the person accepted for this fill (passed to planFill). */
      confirmed: string[];
    }
  | { status: 'confirm'; reasons: ConfirmReason[] }
  | { status: 'refuse'; reason: RefuseReason };

/** Where a fill target sits in its own frame: what the background needs to judge the frames above it. */
export interface FillTargetView {
  /** Effective opacity of the field inside its document. */
  opacity: number;
  /** The field's hit-tested point, in its frame's viewport (CSS px). */
  point: { x: number; y: number };
}

/** A frame's <iframe> element as its parent document sees it (the answer to `frame-visibility`). */
export type FrameVisibilityView =
  | {
      visible: true;
      opacity: number;
      /** The child's point, mapped into this (the parent's) viewport. */
      point: { x: number; y: number };
      /** Top-left of the child's content box in this viewport: offsets compose up to the top. */
      offset: { left: number; top: number };
    }
  | { visible: false; reason: HiddenReason };

// ---- people (admin-people): users, audit log, organisation settings, own activity ---------------

/** Filters of an audit page; dates are ISO timestamps, `userEmail` (admin log only) an exact email. */
export interface AuditFilterView {
  userEmail?: string;
  action?: string;
  targetType?: NonNullable<AuditEntry['targetType']>;
  targetId?: string;
  success?: boolean;
  from?: string;
  to?: string;
}

/** One audit entry with the acting user's email where the admin log could name them. */
export type AuditEntryView = AuditEntry & { userEmail: string | null };

export interface AuditPageView {
  entries: AuditEntryView[];
  nextCursor: string | null;
}

/** The security overview's facts from the API: the profile (last sign-in, failures, password age, two-factor) and recent security events. */
export interface SecurityOverviewView {
  profile: Profile;
  events: AuditEntryView[];
}

// ---- catalogue (admin console) views --------------------------------------------------------------

/** The catalogue as the admin console shows it, with how current it is. */
export interface CatalogueListView {
  applications: Application[];
  freshness: CatalogueFreshness;
}

/** A new application: the create body plus the policy an admin may set at once (else the defaults). */
export type CatalogueDraft = CreateApplicationBody &
  Pick<UpdateApplicationBody, 'isActive' | 'access' | 'accessGrantedValue' | 'accessDeclinedValue'>;

export type CatalogueBulkAction = 'grant' | 'decline' | 'deactivate' | 'activate';

export interface CatalogueBulkResult {
  updated: Application[];
  failed: { id: string; message: string }[];
}

export interface CatalogueImportResult {
  created: number;
  updated: number;
  unchanged: number;
  failed: { line: number; message: string }[];
  /** The applications made or changed, as the server now holds them. */
  applications: Application[];
}

// ---- transfer (import & export) views ------------------------------------------------------------

/** What an import reads: another manager's export, the legacy CSV, or a SecureAccess backup. */
export type TransferFormat = ImportFormat | 'secureaccess_backup';

/** A file read and compared with the vault, held by the background until `transfer:import`. */
export interface TransferPreview {
  jobId: string;
  format: TransferFormat | null;
  /** Logins read (duplicates included, errors not). */
  total: number;
  /** Logins that are not already in the vault. */
  toImport: number;
  /** The first rows, for a look at what was understood (never the passwords). */
  rows: { row: number; title: string; url: string; username: string; folder: string; duplicate: boolean }[];
  duplicateCount: number;
  /** Rows matching an account of the vault (or an earlier row) by URL + username; the first 200. */
  duplicates: { row: number; title: string; url: string; username: string }[];
  errorCount: number;
  /** Rows that will not be imported, with their line (0: the whole file); the first 200. */
  errors: { row: number; message: string }[];
}

export interface TransferProgress {
  jobId: string;
  /** `interrupted`: the background was stopped mid-import (re-run it: uploaded rows are duplicates). */
  state: 'running' | 'done' | 'cancelled' | 'failed' | 'interrupted';
  total: number;
  done: number;
  message: string | null;
}

/** A file for the page to offer as a download. */
export interface TransferFile {
  fileName: string;
  mimeType: string;
  content: string;
  count: number;
  /** Accounts left out: their application declines access, or they do not decrypt. */
  skipped: number;
}

// ---- background protocol -------------------------------------------------------------------------

/** Who may send a message: extension pages (popup, options, inline UI) or content scripts. */
export type SenderKind = 'extension' | 'content';

export interface BackgroundProtocol {
  // extension pages
  status: { request: Record<string, never>; response: StatusView; from: 'extension' };
  'server:set': { request: { url: string }; response: { ready: boolean; message: string }; from: 'extension' };
  'auth:register': {
    request: { email: string; firstName: string; lastName: string; password: string };
    response: { recoveryCode: string };
    from: 'extension';
  };
  'auth:login': {
    request: { email: string; password: string; mfaCode?: string };
    response: { status: 'ok' } | { status: 'mfa-required' };
    from: 'extension';
  };
  'auth:unlock': { request: { password: string }; response: { status: 'ok' }; from: 'extension' };
  'auth:lock': { request: Record<string, never>; response: { status: 'ok' }; from: 'extension' };
  'auth:logout': { request: Record<string, never>; response: { status: 'ok' }; from: 'extension' };
  'vault:list': { request: { tabId?: number; query?: string }; response: VaultListView; from: 'extension' };
  'vault:sync': { request: Record<string, never>; response: { syncedAt: number }; from: 'extension' };
  'vault:reveal': { request: { uuid: string }; response: AccountSecrets; from: 'extension' };
  'vault:save': { request: SaveAccountRequest; response: AccountView; from: 'extension' };
  /** To the trash, or with `permanent` (an account already in the trash) removed for good. */
  'vault:delete': { request: { uuid: string; permanent?: boolean }; response: { status: 'ok' }; from: 'extension' };
  'vault:restore': { request: { uuid: string }; response: AccountView; from: 'extension' };
  'vault:copied': {
    request: { uuid: string; field: 'username' | 'password' };
    response: { clearsInSeconds: number };
    from: 'extension';
  };
  'fill:tab': {
    request: { tabId: number; uuid: string; confirmed?: string[] };
    response: FillOutcome;
    from: 'extension';
  };
  'inline:state': { request: { token: string }; response: InlineState; from: 'extension' };
  /**
   * Fill the account `uuid` (its password into a login or a change-password form's current
   * password) and, on a new-password form, the menu's generated password; `uuid: null` fills the
   * generated password alone.
   */
  'inline:select': {
    request: { token: string; uuid: string | null; confirmed?: string[] };
    response: FillOutcome;
    from: 'extension';
  };
  'inline:offer': {
    request: { token: string; action: 'save' | 'update' | 'never' | 'dismiss' };
    response: { status: 'saved' | 'updated' | 'dismissed' | 'never'; message: string };
    from: 'extension';
  };
  /** `refocus`: the person pressed Escape in the menu; focus goes back to the field. */
  'inline:close': { request: { token: string; refocus?: boolean }; response: { status: 'ok' }; from: 'extension' };
  /** The signed-in user's preferences (from the API, the cached copy offline). */
  'preferences:get': { request: Record<string, never>; response: { preferences: Preferences }; from: 'extension' };
  /** Saves them on the API and applies them here (lock timeout, clipboard delay, theme, language). */
  'preferences:set': { request: { preferences: Preferences }; response: { preferences: Preferences }; from: 'extension' };
  /** The signed-in user's first and last name (PATCH /me). */
  'profile:set': {
    request: { firstName: string; lastName: string };
    response: { firstName: string; lastName: string };
    from: 'extension';
  };
  'sites:never-list': { request: Record<string, never>; response: { sites: string[] }; from: 'extension' };
  'sites:never-remove': { request: { site: string }; response: { sites: string[] }; from: 'extension' };

  // people (admin-people): users, audit log, organisation settings, own activity
  /** Admin: users whose email or name contains `q`, a page at a time. */
  'people:list': {
    request: { q?: string; cursor?: string };
    response: { users: AdminUser[]; nextCursor: string | null };
    from: 'extension';
  };
  /** Admin: role, status (inactive ends their sessions) or unlock; the last admin is refused in words. */
  'people:update': { request: { id: string; change: UpdateUserBody }; response: { user: AdminUser }; from: 'extension' };
  'people:settings-get': { request: Record<string, never>; response: { settings: OrganisationSettings }; from: 'extension' };
  'people:settings-set': { request: { settings: OrganisationSettings }; response: { settings: OrganisationSettings }; from: 'extension' };
  /** Admin: everyone's audit log. */
  'audit:list': { request: { filter: AuditFilterView; cursor?: string }; response: AuditPageView; from: 'extension' };
  /** Admin: every entry matching the filter as the API's CSV. */
  'audit:export': { request: { filter: AuditFilterView }; response: { csv: string; filename: string }; from: 'extension' };
  /** Admin: the hash chain walked by the server. */
  'audit:verify': { request: Record<string, never>; response: AuditVerificationResponse; from: 'extension' };
  /** Anyone signed in: their own audit log. */
  'audit:own': { request: { filter: Omit<AuditFilterView, 'userEmail'>; cursor?: string }; response: AuditPageView; from: 'extension' };
  // ---- catalogue (admin console): catalogue-admin-service.ts ----
  'catalogue:list': { request: Record<string, never>; response: CatalogueListView; from: 'extension' };
  'catalogue:create': { request: { draft: CatalogueDraft }; response: { application: Application }; from: 'extension' };
  'catalogue:update': { request: { id: string; changes: UpdateApplicationBody }; response: { application: Application }; from: 'extension' };
  'catalogue:bulk': { request: { ids: string[]; action: CatalogueBulkAction }; response: CatalogueBulkResult; from: 'extension' };
  'catalogue:import': { request: { rows: CatalogueCsvRow[] }; response: CatalogueImportResult; from: 'extension' };
  // ---- account security (sessions, two-factor, master password, recovery code): account-service.ts
  /** The user's live sessions (`current` marks this device's). */
  'account:sessions': { request: Record<string, never>; response: { sessions: Session[] }; from: 'extension' };
  'account:revoke-session': { request: { id: string }; response: { status: 'ok' }; from: 'extension' };
  /** Ends every session, this one included: the extension is logged out afterwards. */
  'account:logout-all': { request: Record<string, never>; response: { status: 'ok' }; from: 'extension' };
  'mfa:status': { request: Record<string, never>; response: { enabled: boolean }; from: 'extension' };
  /** A new pending TOTP secret: the page draws `otpauthUrl` as a QR code and shows `secret` for typing. */
  'mfa:setup': { request: Record<string, never>; response: { secret: string; otpauthUrl: string }; from: 'extension' };
  'mfa:enable': { request: { code: string }; response: { backupCodes: string[] }; from: 'extension' };
  'mfa:disable': { request: { code: string }; response: { status: 'ok' }; from: 'extension' };
  'mfa:regenerate-backup-codes': { request: { code: string }; response: { backupCodes: string[] }; from: 'extension' };
  /** Re-wraps the user key under the new password; every other session is revoked. */
  'password:change': { request: { currentPassword: string; newPassword: string }; response: { status: 'ok' }; from: 'extension' };
  /** A new recovery code (shown once); the old one stops working. */
  'recovery:regenerate': { request: { password: string }; response: { recoveryCode: string }; from: 'extension' };
  /** Forgot the master password: a new one set with the recovery code; every session ends, a new code is returned. */
  'recovery:reset': {
    request: { email?: string; recoveryCode: string; newPassword: string };
    response: { recoveryCode: string; email: string };
    from: 'extension';
  };
  // ---- security overview: security-overview-service.ts
  /** The account's last sign-in, failed attempts, password age, two-factor state and recent security events. */
  'overview:get': { request: Record<string, never>; response: SecurityOverviewView; from: 'extension' };
  /** The vault's passwords for the options page's local check (weak, reused, old); nothing is sent anywhere. */
  'overview:passwords': { request: Record<string, never>; response: { accounts: { account: AccountView; password: string }[] }; from: 'extension' };
  // ---- transfer (import & export): utils/background/transfer-service.ts
  /** Reads a file (the format detected unless given; a backup needs its password) and compares it with the vault. */
  'transfer:preview': {
    request: { text: string; format?: TransferFormat; password?: string };
    response: TransferPreview;
    from: 'extension';
  };
  /** Starts uploading a preview's rows in batches; poll `transfer:progress`. */
  'transfer:import': { request: { jobId: string; includeDuplicates: boolean }; response: TransferProgress; from: 'extension' };
  'transfer:progress': { request: { jobId: string }; response: TransferProgress; from: 'extension' };
  'transfer:cancel': { request: { jobId: string }; response: TransferProgress; from: 'extension' };
  /** The vault encrypted under a password chosen for the backup. */
  'transfer:export-backup': { request: { password: string }; response: TransferFile; from: 'extension' };
  /** The vault in clear (Bitwarden CSV), after the master password is typed again. */
  'transfer:export-csv': { request: { masterPassword: string }; response: TransferFile; from: 'extension' };
  // ---- end transfer

  // content scripts (the tab and frame come from the sender, never from the payload)
  /**
   * A field got focus: `target` is where it sits in the frame, or `blocked` says why it cannot be
   * filled; `anchor` is its rectangle. The top frame draws the menu; `shown` says whether it did.
   */
  'content:open-menu': {
    request: { target: FillTargetView | null; blocked: string | null; anchor: FieldAnchorView; form?: NewPasswordFormView };
    response: { token: string; shown: boolean };
    from: 'content';
  };
  /** The field's frame closes the menu it opened (focus moved on, Escape, typing). */
  'content:close-menu': { request: { token: string }; response: { status: 'ok' }; from: 'content' };
  /** ArrowDown in the field: move keyboard focus into the menu. */
  'content:focus-menu': { request: { token: string }; response: { status: 'ok' }; from: 'content' };
  'content:claim-fill': {
    request: { ticket: string; target: FillTargetView; actionUrl?: string };
    response: ClaimedFill;
    from: 'content';
  };
  'content:username-step': { request: { username: string }; response: { status: 'ok' }; from: 'content' };
  /** A login (or, with `formKind`, a sign-up or change-password form) was submitted. */
  'content:submitted': {
    request: { username: string; password: string; formKind?: FormKind };
    response: { offer: boolean };
    from: 'content';
  };
  'content:pending-offer': { request: Record<string, never>; response: { token: string | null }; from: 'content' };
  /** Registrable domains for planFill's cross-domain check; the public suffix list lives only in the background. */
  'content:registrable-domains': {
    request: { hosts: string[] };
    response: { domains: Record<string, string | null> };
    from: 'content';
  };
}

export type BackgroundMessageType = keyof BackgroundProtocol;
export type RequestOf<P, K extends keyof P> = P[K] extends { request: infer R } ? R : never;
export type ResponseOf<P, K extends keyof P> = P[K] extends { response: infer R } ? R : never;

// ---- content protocol (background → content script of one frame) -------------------------------

/** A field's rectangle and its form's other fields, in its own frame's viewport (CSS px). */
export interface FieldAnchorView {
  rect: { left: number; top: number; width: number; height: number };
  avoid: { left: number; top: number; width: number; height: number }[];
}

/**
 * Where the top frame draws a menu: `rect`/`avoid` in the content box of its child frame
 * `childFrameId` (found as `childIndex` among `window.frames`), or in its own viewport when null.
 */
export interface MenuAnchorView extends FieldAnchorView {
  childFrameId: number | null;
  childIndex: number;
}

/** What a frame says about its best fill target (the background picks the frame from these). */
export interface FrameProbeView {
  candidates: number;
  /** A field of a candidate has focus. */
  focused: boolean;
  /** The best candidate's target, when it is visible in this frame (the frames above are judged apart). */
  target: FillTargetView | null;
  /** 2 username + password, 1 a single step, 0 none. */
  quality: number;
}

export interface ContentProtocol {
  /** Is there a login form here, and does one of its fields have focus? */
  probe: { request: Record<string, never>; response: FrameProbeView };
  /** Is the <iframe> of `childFrameId` in this document visible, at `point` of its viewport? */
  'frame-visibility': {
    request: { childFrameId: number; frameIndex: number; point: { x: number; y: number } };
    response: FrameVisibilityView;
  };
  /** Top frame: draw the account menu for a field of any frame of the tab. */
  'show-menu': { request: { token: string; anchor: MenuAnchorView }; response: { shown: boolean } };
  /** Top frame: move keyboard focus into the menu. */
  'focus-menu': { request: { token: string }; response: { focused: boolean } };
  /** The frame of the focused field: its rectangle, for a menu the background opens (context menu, shortcut). */
  'field-anchor': {
    request: { token: string };
    response: { anchor: FieldAnchorView | null; target: FillTargetView | null; form: NewPasswordFormView | null };
  };
  /** The field's frame: Escape in the menu, focus back to the field. */
  'focus-field': { request: { token: string }; response: { focused: boolean } };
  /** This frame's index among its parent's `window.frames` (-1 in the top frame). */
  'frame-index': { request: Record<string, never>; response: { index: number } };
  /** Claim the ticket, plan the fill under the safety rules and carry it out. */
  fill: { request: { ticket: string }; response: FillOutcome };
  /** Show the framed inline UI (a confirmation or a save offer) for this token. */
  'show-frame': { request: { token: string; placement: 'field' | 'top-bar' }; response: { shown: boolean } };
  'close-frame': { request: { token: string }; response: { closed: boolean } };
}

// ---- wire format ---------------------------------------------------------------------------------

export interface WireMessage {
  channel: typeof protocolChannel;
  type: string;
  payload: unknown;
}

export type WireReply<T = unknown> =
  | { ok: true; value: T }
  | { ok: false; error: { code: string; message: string; details?: unknown } };

export function isWireMessage(message: unknown): message is WireMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as WireMessage).channel === protocolChannel &&
    typeof (message as WireMessage).type === 'string'
  );
}

/** An error a handler means the person to read (code for the UI to switch on, message to show). */
export class ExtensionError extends Error {
  override name = 'ExtensionError';
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

// ---- senders ---------------------------------------------------------------------------------------

/** The parts of `runtime.MessageSender` the checks read. */
export interface RawSender {
  id?: string;
  url?: string;
  origin?: string;
  tab?: { id?: number; url?: string };
  frameId?: number;
}

export type VerifiedSender =
  | { kind: 'extension'; url: string; tabId: number | null; frameId: number | null }
  | {
      kind: 'content';
      tabId: number;
      frameId: number;
      /** URL of the frame that sent the message, as the browser reports it. */
      frameUrl: string;
      /** URL of the tab's top-level page, as the browser reports it. */
      tabUrl: string;
    };

/**
 * Who sent a message, from what the browser says (never from the payload): one of our extension
 * pages, or our content script in a given tab and frame with the browser-reported URLs. Anything
 * else (another extension, a sender without tab or URL) is null and gets no answer.
 */
export function verifySender(sender: RawSender, extensionId: string, extensionOrigin: string): VerifiedSender | null {
  if (sender.id !== extensionId || typeof sender.url !== 'string') return null;
  const origin = extensionOrigin.replace(/\/$/, '');
  if (sender.url === origin || sender.url.startsWith(`${origin}/`)) {
    return {
      kind: 'extension',
      url: sender.url,
      tabId: sender.tab?.id ?? null,
      frameId: sender.tab?.id !== undefined ? (sender.frameId ?? null) : null,
    };
  }
  const tabId = sender.tab?.id;
  const tabUrl = sender.tab?.url;
  if (typeof tabId !== 'number' || tabId < 0 || typeof sender.frameId !== 'number' || typeof tabUrl !== 'string') {
    return null;
  }
  // about:blank / srcdoc frames report their creator's origin in `origin` (Chrome).
  let frameUrl = sender.url;
  if (!/^https?:/i.test(frameUrl) && sender.origin && /^https?:/i.test(sender.origin)) frameUrl = sender.origin;
  return { kind: 'content', tabId, frameId: sender.frameId, frameUrl, tabUrl };
}

// ---- dispatcher ------------------------------------------------------------------------------------

export type BackgroundHandlers = {
  [K in BackgroundMessageType]: (
    payload: RequestOf<BackgroundProtocol, K>,
    sender: Extract<VerifiedSender, { kind: BackgroundProtocol[K]['from'] }>,
  ) => Promise<ResponseOf<BackgroundProtocol, K>>;
};

/** Which sender kind each message accepts; a content script can never call an extension-page route. */
export const backgroundSenderPolicy: { [K in BackgroundMessageType]: BackgroundProtocol[K]['from'] } = {
  status: 'extension',
  'server:set': 'extension',
  'auth:register': 'extension',
  'auth:login': 'extension',
  'auth:unlock': 'extension',
  'auth:lock': 'extension',
  'auth:logout': 'extension',
  'vault:list': 'extension',
  'vault:sync': 'extension',
  'vault:reveal': 'extension',
  'vault:save': 'extension',
  'vault:delete': 'extension',
  'vault:restore': 'extension',
  'vault:copied': 'extension',
  'fill:tab': 'extension',
  'inline:state': 'extension',
  'inline:select': 'extension',
  'inline:offer': 'extension',
  'inline:close': 'extension',
  'preferences:get': 'extension',
  'preferences:set': 'extension',
  'profile:set': 'extension',
  'sites:never-list': 'extension',
  'sites:never-remove': 'extension',
  // people (admin-people)
  'people:list': 'extension',
  'people:update': 'extension',
  'people:settings-get': 'extension',
  'people:settings-set': 'extension',
  'audit:list': 'extension',
  'audit:export': 'extension',
  'audit:verify': 'extension',
  'audit:own': 'extension',
  // ---- catalogue (admin console) ----
  'catalogue:list': 'extension',
  'catalogue:create': 'extension',
  'catalogue:update': 'extension',
  'catalogue:bulk': 'extension',
  'catalogue:import': 'extension',
  // account security
  'account:sessions': 'extension',
  'account:revoke-session': 'extension',
  'account:logout-all': 'extension',
  'mfa:status': 'extension',
  'mfa:setup': 'extension',
  'mfa:enable': 'extension',
  'mfa:disable': 'extension',
  'mfa:regenerate-backup-codes': 'extension',
  'password:change': 'extension',
  'recovery:regenerate': 'extension',
  'recovery:reset': 'extension',
  // security overview
  'overview:get': 'extension',
  'overview:passwords': 'extension',
  // ---- transfer (import & export)
  'transfer:preview': 'extension',
  'transfer:import': 'extension',
  'transfer:progress': 'extension',
  'transfer:cancel': 'extension',
  'transfer:export-backup': 'extension',
  'transfer:export-csv': 'extension',
  // ---- end transfer
  'content:open-menu': 'content',
  'content:close-menu': 'content',
  'content:focus-menu': 'content',
  'content:claim-fill': 'content',
  'content:username-step': 'content',
  'content:submitted': 'content',
  'content:pending-offer': 'content',
  'content:registrable-domains': 'content',
};

export function errorReply(error: unknown): WireReply<never> {
  if (error instanceof ExtensionError) {
    return { ok: false, error: { code: error.code, message: error.message, details: error.details } };
  }
  return { ok: false, error: { code: 'internal', message: 'Something went wrong inside SecureAccess. Try again.' } };
}

/**
 * Routes one wire message to its handler after checking the sender against the message's policy.
 * Returns undefined for messages that are not ours (so other listeners may answer).
 */
export async function dispatchBackgroundMessage(
  handlers: BackgroundHandlers,
  message: unknown,
  sender: VerifiedSender | null,
  onUnexpected?: (error: unknown) => void,
): Promise<WireReply | undefined> {
  if (!isWireMessage(message)) return undefined;
  if (!Object.hasOwn(backgroundSenderPolicy, message.type)) {
    return { ok: false, error: { code: 'unknown_message', message: `Unknown message ${message.type}` } };
  }
  const type = message.type as BackgroundMessageType;
  if (sender === null || sender.kind !== backgroundSenderPolicy[type]) {
    return { ok: false, error: { code: 'forbidden_sender', message: `${type} is not allowed from this sender` } };
  }
  const handler = handlers[type] as (payload: unknown, sender: VerifiedSender) => Promise<unknown>;
  try {
    return { ok: true, value: await handler((message.payload ?? {}) as never, sender) };
  } catch (error) {
    if (!(error instanceof ExtensionError)) onUnexpected?.(error);
    return errorReply(error);
  }
}

export function unwrapReply<T>(reply: unknown): T {
  if (typeof reply !== 'object' || reply === null || !('ok' in reply)) {
    throw new ExtensionError('no_answer', 'SecureAccess did not answer. Reload the page or the extension.');
  }
  const typed = reply as WireReply<T>;
  if (typed.ok) return typed.value;
  throw new ExtensionError(typed.error.code, typed.error.message, typed.error.details);
}

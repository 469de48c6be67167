// The one message protocol of the extension (STYLE: a handler map). Popup, options, the inline UI
// frame and content scripts ask the background; the background asks content scripts. Every
// request and response type is listed here; the dispatcher checks who sent a message before any
// handler runs. Pure: no extension APIs, so the checks are unit-tested.

import type { ConfirmReason, RefuseReason } from './forms/plan-fill';
import type { FillApplication } from './forms/plan-fill';
import type { Role } from '@secureaccess/shared/contract';

export const protocolChannel = 'secureaccess/v1';

// ---- shared view types -------------------------------------------------------------------------

export type Phase = 'setup' | 'logged-out' | 'locked' | 'unlocked';

export interface StatusView {
  phase: Phase;
  serverUrl: string;
  user: { email: string; firstName: string; lastName: string; role: Role } | null;
  /** Shown once on the login screen (e.g. "your session was revoked"). */
  notice: string | null;
  clipboardClearSeconds: number;
  lockTimeoutSeconds: number;
}

export interface AccessView {
  allowed: boolean;
  /** The application's reported value: accessGrantedValue or accessDeclinedValue (DESIGN §8). */
  value: string;
  isActive: boolean;
}

export interface AccountView {
  uuid: string;
  /** The application's name, else the host of the account's URL. */
  name: string;
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
  applications: { id: string; name: string; access: AccessView }[];
}

export interface VaultListView {
  page: PageMatchView;
  /** Accounts that match the tab (usable or not — `access` says), best first. */
  matching: AccountView[];
  /** Every account not in the trash, by name. */
  all: AccountView[];
  trash: AccountView[];
  syncedAt: number | null;
}

export interface AccountSecrets {
  username: string;
  password: string;
  notes: string;
}

export interface SaveAccountRequest {
  /** Absent: a new account. */
  uuid?: string;
  url: string;
  username: string;
  password: string;
  notes: string;
  folder?: string | null;
}

export type FillOutcome =
  | { status: 'filled'; fields: number }
  | { status: 'confirm'; reason: ConfirmReason; key: string; message: string }
  | { status: 'refused'; code: RefuseReason['code'] | 'locked' | 'no-match' | 'not-allowed'; message: string }
  | { status: 'no-form'; message: string };

/** What the framed inline UI shows: the account menu, a fill confirmation or a save offer. */
export type InlineState =
  | {
      kind: 'menu';
      phase: Phase;
      host: string;
      accounts: { uuid: string; name: string; username: string }[];
      /** Set when the page's application refuses autofill: the reason, with its declined value. */
      blocked: string | null;
    }
  | { kind: 'confirm'; accountUuid: string; message: string; key: string; confirmed: string[] }
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
      application: FillApplication;
      topUrl: string;
      /** Confirmation keys the person accepted for this fill (passed to planFill). */
      confirmed: string[];
    }
  | { status: 'confirm'; reason: ConfirmReason };

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
  'vault:delete': { request: { uuid: string }; response: { status: 'ok' }; from: 'extension' };
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
  'inline:select': {
    request: { token: string; uuid: string; confirmed?: string[] };
    response: FillOutcome;
    from: 'extension';
  };
  'inline:offer': {
    request: { token: string; action: 'save' | 'update' | 'never' | 'dismiss' };
    response: { status: 'saved' | 'updated' | 'dismissed' | 'never'; message: string };
    from: 'extension';
  };
  'inline:close': { request: { token: string }; response: { status: 'ok' }; from: 'extension' };
  'sites:never-list': { request: Record<string, never>; response: { sites: string[] }; from: 'extension' };
  'sites:never-remove': { request: { site: string }; response: { sites: string[] }; from: 'extension' };

  // content scripts (the tab and frame come from the sender, never from the payload)
  'content:open-menu': { request: Record<string, never>; response: { token: string }; from: 'content' };
  'content:claim-fill': { request: { ticket: string }; response: ClaimedFill; from: 'content' };
  'content:username-step': { request: { username: string }; response: { status: 'ok' }; from: 'content' };
  'content:submitted': {
    request: { username: string; password: string };
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

export interface ContentProtocol {
  /** Is there a login form here, and does one of its fields have focus? */
  probe: { request: Record<string, never>; response: { candidates: number; focused: boolean } };
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
  'sites:never-list': 'extension',
  'sites:never-remove': 'extension',
  'content:open-menu': 'content',
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

// Filling and saving, background side. A fill starts only from a person's action in a trusted
// place — the inline menu frame, the popup, the keyboard shortcut or the context menu — which
// creates a single-use ticket for one tab, one frame and one account. The content script of that
// frame claims the ticket; the claim is checked against the browser-reported URLs of the sender
// (never a URL in the message), so a frame cannot obtain another site's credentials.

import { browser } from 'wxt/browser';
import { encodeBase64, randomBytes } from '@secureaccess/shared/crypto';
import { decideSaveOffer, isNeverSite } from '../forms/submit';
import { confirmationKey, type ConfirmReason } from '../forms/plan-fill';
import { registrableDomain } from '../forms/registrable-domain';
import { describeConfirmation } from '../fill-messages';
import { askContent } from '../messaging';
import {
  ExtensionError,
  type ClaimedFill,
  type FillOutcome,
  type InlineState,
  type VerifiedSender,
} from '../protocol';
import { neverSitesItem, pendingOffersItem, usernameStepsItem, type PendingOffer } from '../storage';
import { currentUserKey, explained, holder, requireUserKey, status } from './session';
import { accessOf, hostOf, markUsed, pageMatcher, saveAccount, syncIfStale, toView, vault } from './vault-service';
import type { VaultItem } from './vault-index';

type ContentSender = Extract<VerifiedSender, { kind: 'content' }>;
type ExtensionSender = Extract<VerifiedSender, { kind: 'extension' }>;

const ticketTtlMs = 15_000; // a fill ticket is claimed within milliseconds of its creation
const inlineSessionTtlMs = 10 * 60_000; // an open menu or offer bar
const offerTtlMs = 3 * 60_000; // a submitted login can be saved for 3 minutes
const usernameStepTtlMs = 5 * 60_000; // first step of a multi-step login → its password step
const offerShowDelayMs = 600; // let a navigation that follows the submit start first

interface Ticket {
  tabId: number;
  frameId: number;
  uuid: string;
  confirmed: string[];
  expiresAt: number;
}

interface InlineSession {
  tabId: number;
  frameId: number;
  kind: 'menu' | 'confirm' | 'offer';
  tabUrl: string;
  accountUuid?: string;
  confirm?: { key: string; message: string; confirmed: string[] };
  /** The frame id of the inline UI page that first presented the token (it owns it from then on). */
  uiFrameId?: number;
  createdAt: number;
}

const tickets = new Map<string, Ticket>();
const inlineSessions = new Map<string, InlineSession>();

function randomToken(): string {
  return encodeBase64(randomBytes(18)).replace(/\+/g, '-').replace(/\//g, '_');
}

function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

function siteOf(url: string): string | null {
  try {
    const { hostname } = new URL(url);
    return (registrableDomain(hostname) ?? hostname).toLowerCase();
  } catch {
    return null;
  }
}

function prune(now = Date.now()): void {
  for (const [key, ticket] of tickets) if (ticket.expiresAt < now) tickets.delete(key);
  for (const [key, session] of inlineSessions) if (session.createdAt + inlineSessionTtlMs < now) inlineSessions.delete(key);
}

// ---- the account ↔ page decision -------------------------------------------------------------------

interface UsableAccount {
  item: VaultItem;
  application: Extract<ClaimedFill, { status: 'release' }>['application'];
}

/**
 * Whether `item` belongs to the page at `topUrl` (by its catalogue application or its own URL) and
 * may be used there. Declined and inactive applications release nothing (DESIGN §8).
 */
async function usableOnPage(item: VaultItem, topUrl: string): Promise<UsableAccount> {
  const m = await pageMatcher();
  const match = m.match(topUrl, [item]).accounts[0];
  if (!match || item.deletedAt !== null) {
    throw new ExtensionError('not-allowed', `This account is not for ${hostOf(topUrl) ?? 'this page'}.`);
  }
  if (item.decryptError) throw new ExtensionError('not-allowed', 'This account could not be decrypted.');
  if (match.application) {
    const access = accessOf(match.application)!;
    if (!match.application.isActive) {
      throw new ExtensionError('application-inactive', `Autofill is off here: ${match.application.name} is inactive.`);
    }
    if (!access.allowed) {
      throw new ExtensionError('access-declined', `Autofill is off here: access to ${match.application.name} is ${access.value}.`, {
        value: access.value,
      });
    }
    return {
      item,
      application: { url: match.application.url, isActive: true, accessGranted: true, accessValue: access.value },
    };
  }
  return { item, application: { url: item.url ?? topUrl, isActive: true, accessGranted: true, accessValue: 'granted' } };
}

/** The confirmation the background itself insists on before releasing credentials to a frame. */
function frameConfirmation(sender: ContentSender, applicationUrl: string): ConfirmReason | null {
  const frameOrigin = originOf(sender.frameUrl);
  const topOrigin = originOf(sender.tabUrl);
  const frameHost = hostOf(sender.frameUrl) ?? sender.frameUrl;
  if (frameOrigin === null || topOrigin === null || frameOrigin !== topOrigin) {
    return { code: 'cross-origin-frame', frameHost };
  }
  const appIsHttps = applicationUrl.toLowerCase().startsWith('https:');
  if (appIsHttps && sender.frameUrl.toLowerCase().startsWith('http:')) return { code: 'insecure-page', pageHost: frameHost };
  return null;
}

// ---- starting a fill -------------------------------------------------------------------------------

async function startFill(tabId: number, frameId: number, uuid: string, confirmed: string[]): Promise<FillOutcome> {
  await requireUserKey();
  prune();
  const ticket = randomToken();
  tickets.set(ticket, { tabId, frameId, uuid, confirmed: [...new Set(confirmed)], expiresAt: Date.now() + ticketTtlMs });
  let outcome: FillOutcome;
  try {
    outcome = await askContent(tabId, frameId, 'fill', { ticket });
  } catch (error) {
    tickets.delete(ticket);
    const message = error instanceof ExtensionError && error.code !== 'no_answer' ? error.message : 'The page did not answer. Reload it and try again.';
    return { status: 'no-form', message };
  }
  tickets.delete(ticket);
  if (outcome.status === 'filled') void markUsed(uuid);
  return outcome;
}

/** Content script: hand over the credentials of a ticket, if this frame may have them. */
export async function claimFill(sender: ContentSender, ticketId: string): Promise<ClaimedFill> {
  prune();
  const ticket = tickets.get(ticketId);
  if (!ticket || ticket.tabId !== sender.tabId || ticket.frameId !== sender.frameId) {
    throw new ExtensionError('no-user-gesture', 'SecureAccess fills only when you ask it to.');
  }
  tickets.delete(ticketId);
  const v = await vault();
  const item = v.get(ticket.uuid);
  if (!item) throw new ExtensionError('not_found', 'This account no longer exists.');
  const usable = await usableOnPage(item, sender.tabUrl);
  const needed = frameConfirmation(sender, usable.application.url);
  if (needed && !ticket.confirmed.includes(confirmationKey(needed))) {
    return { status: 'confirm', reason: needed };
  }
  return {
    status: 'release',
    account: { username: item.username, password: item.password },
    application: usable.application,
    topUrl: sender.tabUrl,
    confirmed: ticket.confirmed,
  };
}

interface FrameProbe {
  frameId: number;
  candidates: number;
  focused: boolean;
}

async function probeFrames(tabId: number): Promise<FrameProbe[]> {
  const frames = (await browser.webNavigation.getAllFrames({ tabId })) ?? [];
  const probes = await Promise.all(
    frames.map(async (frame) => {
      try {
        const answer = await Promise.race([
          askContent(tabId, frame.frameId, 'probe', {}),
          new Promise<null>((resolve) => setTimeout(() => resolve(null), 1500)),
        ]);
        return answer ? { frameId: frame.frameId, ...answer } : null;
      } catch {
        return null; // no content script there (browser pages, frames still loading)
      }
    }),
  );
  return probes.filter((probe): probe is FrameProbe => probe !== null && probe.candidates > 0);
}

/** The frame to fill: the one whose login field has focus, else the top page, else the first. */
export function pickFrame(probes: readonly FrameProbe[]): number | null {
  return (
    probes.find((probe) => probe.focused)?.frameId ??
    probes.find((probe) => probe.frameId === 0)?.frameId ??
    probes[0]?.frameId ??
    null
  );
}

/** Popup (or shortcut): fill `uuid` into the login form of a tab. */
export async function fillTab(tabId: number, uuid: string, confirmed: string[] = []): Promise<FillOutcome> {
  return explained(async () => {
    await requireUserKey();
    const frameId = pickFrame(await probeFrames(tabId));
    if (frameId === null) return { status: 'no-form', message: 'No login form found on this page.' };
    return startFill(tabId, frameId, uuid, confirmed);
  });
}

// ---- the inline UI frame ------------------------------------------------------------------------------

async function createInlineSession(session: Omit<InlineSession, 'createdAt'>): Promise<string> {
  prune();
  const token = randomToken();
  inlineSessions.set(token, { ...session, createdAt: Date.now() });
  return token;
}

/**
 * The inline UI frame that sent `token` must be our inline-ui page in the tab the token was made
 * for, and the first such frame to present the token owns it: later presenters (another frame
 * that somehow got the token) are refused. The token itself only ever sits in the src of an
 * iframe inside a closed shadow root, where page scripts cannot read it. (webNavigation does not
 * report extension frames, so the parent frame cannot be checked directly.)
 */
async function verifyInlineSender(sender: ExtensionSender, token: string): Promise<InlineSession> {
  const session = inlineSessions.get(token);
  if (!session || sender.tabId === null || sender.frameId === null || sender.tabId !== session.tabId) {
    throw new ExtensionError('expired', 'This menu has expired. Click the field again.');
  }
  if (new URL(sender.url).pathname !== '/inline-ui.html') {
    throw new ExtensionError('forbidden_sender', 'This menu does not belong to this page.');
  }
  session.uiFrameId ??= sender.frameId;
  if (session.uiFrameId !== sender.frameId) {
    throw new ExtensionError('forbidden_sender', 'This menu does not belong to this page.');
  }
  return session;
}

/** Content script: a login field got focus; make a token for the menu frame it will show. */
export async function openMenu(sender: ContentSender): Promise<{ token: string }> {
  void syncIfStale();
  return { token: await createInlineSession({ tabId: sender.tabId, frameId: sender.frameId, kind: 'menu', tabUrl: sender.tabUrl }) };
}

/** Background-initiated frames (a confirmation after the shortcut, the context menu's menu). */
export async function showInlineFrame(
  tabId: number,
  frameId: number,
  session: Omit<InlineSession, 'createdAt' | 'tabId' | 'frameId' | 'tabUrl'>,
  placement: 'field' | 'top-bar',
): Promise<boolean> {
  const tab = await browser.tabs.get(tabId);
  if (!tab.url) return false;
  const token = await createInlineSession({ ...session, tabId, frameId, tabUrl: tab.url });
  try {
    return (await askContent(tabId, frameId, 'show-frame', { token, placement })).shown;
  } catch {
    return false;
  }
}

export async function inlineState(sender: ExtensionSender, token: string): Promise<InlineState> {
  const session = await verifyInlineSender(sender, token);
  if (session.kind === 'confirm' && session.confirm && session.accountUuid) {
    return { kind: 'confirm', accountUuid: session.accountUuid, ...session.confirm };
  }
  if (session.kind === 'offer') {
    const offer = (await pendingOffersItem.getValue())[String(session.tabId)];
    if (!offer || offer.createdAt + offerTtlMs < Date.now()) throw new ExtensionError('expired', 'This offer has expired.');
    const current = await holder();
    const m = await pageMatcher();
    const application = m.matchApplications(offer.frameUrl)[0]?.application;
    const canSave = current !== null && current.user.role !== 'reader';
    return {
      kind: 'offer',
      offer: {
        action: offer.action,
        host: offer.host,
        username: offer.username,
        applicationName: application?.name ?? registrableDomain(new URL(offer.frameUrl).hostname) ?? offer.host,
        canSave,
        reason: canSave ? null : 'Your role (reader) cannot save accounts.',
      },
    };
  }
  const host = hostOf(session.tabUrl) ?? '';
  const { phase } = await status();
  if (phase !== 'unlocked') return { kind: 'menu', phase, host, accounts: [], blocked: null };
  const v = await vault();
  const m = await pageMatcher();
  const { applications, accounts } = m.match(session.tabUrl, v.active());
  const blockedApp = applications.map((match) => match.application).find((application) => !accessOf(application)!.allowed);
  const usable = accounts.filter((account) => !account.application || accessOf(account.application)!.allowed);
  let blocked: string | null = null;
  if (usable.length === 0 && blockedApp) {
    blocked = blockedApp.isActive
      ? `Autofill is off here: access to ${blockedApp.name} is ${blockedApp.accessDeclinedValue}.`
      : `Autofill is off here: ${blockedApp.name} is inactive.`;
  }
  return {
    kind: 'menu',
    phase,
    host,
    accounts: usable
      .filter((account) => !account.item.decryptError)
      .map((account) => ({ uuid: account.item.uuid, name: toView(account.item, m).name, username: account.item.username })),
    blocked,
  };
}

export async function inlineSelect(sender: ExtensionSender, token: string, uuid: string, confirmed: string[]): Promise<FillOutcome> {
  return explained(async () => {
    const session = await verifyInlineSender(sender, token);
    if (session.kind === 'offer') throw new ExtensionError('invalid', 'Not a menu.');
    const outcome = await startFill(session.tabId, session.frameId, uuid, confirmed);
    if (outcome.status === 'filled') inlineSessions.delete(token);
    return outcome;
  });
}

export async function closeInline(sender: ExtensionSender, token: string): Promise<void> {
  const session = await verifyInlineSender(sender, token);
  inlineSessions.delete(token);
  try {
    await askContent(session.tabId, session.frameId, 'close-frame', { token });
  } catch {
    // The page went away.
  }
}

// ---- shortcut and context menu ---------------------------------------------------------------------

/** Keyboard shortcut: fill the best account for the tab; ask in the page when a confirmation is due. */
export async function fillFromShortcut(tabId: number, tabUrl: string): Promise<FillOutcome> {
  if (!(await currentUserKey())) {
    try {
      await browser.action?.openPopup?.();
    } catch {
      // Opening the popup needs a recent gesture in some browsers; the badge is enough then.
    }
    return { status: 'refused', code: 'locked', message: 'Unlock SecureAccess first.' };
  }
  const v = await vault();
  const m = await pageMatcher();
  const best = m
    .match(tabUrl, v.active())
    .accounts.find((account) => !account.item.decryptError && (!account.application || accessOf(account.application)!.allowed));
  if (!best) return { status: 'refused', code: 'no-match', message: 'No saved account for this site.' };
  const frameId = pickFrame(await probeFrames(tabId));
  if (frameId === null) return { status: 'no-form', message: 'No login form found on this page.' };
  const outcome = await startFill(tabId, frameId, best.item.uuid, []);
  if (outcome.status === 'confirm') {
    await showInlineFrame(
      tabId,
      frameId,
      { kind: 'confirm', accountUuid: best.item.uuid, confirm: { key: outcome.key, message: outcome.message, confirmed: [] } },
      'field',
    );
  }
  return outcome;
}

/** Context menu on an editable field: open the account menu on it. */
export async function openMenuFromContextMenu(tabId: number, frameId: number): Promise<boolean> {
  return showInlineFrame(tabId, frameId, { kind: 'menu' }, 'field');
}

// ---- save and update ---------------------------------------------------------------------------------

export async function rememberUsernameStep(sender: ContentSender, username: string): Promise<void> {
  const site = siteOf(sender.frameUrl);
  if (!site || username.trim().length < 2) return;
  const steps = await usernameStepsItem.getValue();
  steps[String(sender.tabId)] = { username: username.trim(), site, at: Date.now() };
  await usernameStepsItem.setValue(steps);
}

/** A login was submitted in a frame: decide (with the pure rule) whether to offer save or update. */
export async function loginSubmitted(sender: ContentSender, username: string, password: string): Promise<{ offer: boolean }> {
  const host = hostOf(sender.frameUrl);
  const site = siteOf(sender.frameUrl);
  if (!host || !site || !originOf(sender.frameUrl)) return { offer: false };
  if (!(await currentUserKey())) return { offer: false };
  let submittedUsername = username.trim();
  if (submittedUsername === '') {
    const step = (await usernameStepsItem.getValue())[String(sender.tabId)];
    if (step && step.site === site && step.at + usernameStepTtlMs > Date.now()) submittedUsername = step.username;
  }
  const v = await vault();
  const m = await pageMatcher();
  const existing = m.match(sender.frameUrl, v.active()).accounts.map((account) => account.item);
  const neverSites = await neverSitesItem.getValue();
  const decision = decideSaveOffer({ username: submittedUsername, password, host: hostOf(sender.frameUrl)!.replace(/:\d+$/, '') }, existing, neverSites);
  if (decision === 'none') return { offer: false };
  const target =
    decision === 'update'
      ? (existing.find((item) => item.username.trim().toLowerCase() === submittedUsername.toLowerCase()) ??
        (submittedUsername === '' && existing.length === 1 ? existing[0] : undefined))
      : undefined;
  const offers = await pendingOffersItem.getValue();
  const offer: PendingOffer = {
    action: decision,
    tabId: sender.tabId,
    frameUrl: sender.frameUrl,
    host: host.replace(/:\d+$/, ''),
    username: submittedUsername || target?.username || '',
    password,
    accountUuid: target?.uuid ?? null,
    createdAt: Date.now(),
  };
  offers[String(sender.tabId)] = offer;
  await pendingOffersItem.setValue(offers);
  // Show it on the page that is still there (SPA logins); after a navigation the new page asks.
  setTimeout(() => {
    void showInlineFrame(sender.tabId, 0, { kind: 'offer' }, 'top-bar');
  }, offerShowDelayMs);
  return { offer: true };
}

/** Top frame of a tab (after a submit or the navigation that followed): an offer to show? */
export async function pendingOffer(sender: ContentSender): Promise<{ token: string | null }> {
  if (sender.frameId !== 0) return { token: null };
  const offer = (await pendingOffersItem.getValue())[String(sender.tabId)];
  if (!offer || offer.createdAt + offerTtlMs < Date.now()) return { token: null };
  return { token: await createInlineSession({ tabId: sender.tabId, frameId: 0, kind: 'offer', tabUrl: sender.tabUrl }) };
}

export async function answerOffer(
  sender: ExtensionSender,
  token: string,
  action: 'save' | 'update' | 'never' | 'dismiss',
): Promise<{ status: 'saved' | 'updated' | 'dismissed' | 'never'; message: string }> {
  const session = await verifyInlineSender(sender, token);
  if (session.kind !== 'offer') throw new ExtensionError('invalid', 'Not an offer.');
  const offers = await pendingOffersItem.getValue();
  const offer = offers[String(session.tabId)];
  if (!offer) throw new ExtensionError('expired', 'This offer has expired.');
  const finish = async () => {
    delete offers[String(session.tabId)];
    await pendingOffersItem.setValue(offers);
    inlineSessions.delete(token);
  };
  if (action === 'dismiss') {
    await finish();
    return { status: 'dismissed', message: 'Not saved.' };
  }
  if (action === 'never') {
    const sites = await neverSitesItem.getValue();
    const site = offer.host.toLowerCase();
    if (!isNeverSite(site, sites)) await neverSitesItem.setValue([...sites, site]);
    await finish();
    return { status: 'never', message: `SecureAccess will not offer to save logins on ${site}.` };
  }
  if (action === 'update' && offer.accountUuid) {
    const item = (await vault()).get(offer.accountUuid);
    if (!item) throw new ExtensionError('not_found', 'The account to update no longer exists.');
    await saveAccount({
      uuid: item.uuid,
      url: item.url ?? '',
      username: item.username,
      password: offer.password,
      notes: item.notes,
      folder: item.folder,
    });
    await finish();
    return { status: 'updated', message: `Password updated for ${item.username || offer.host}.` };
  }
  const url = new URL(offer.frameUrl);
  await saveAccount({ url: `${url.origin}${url.pathname}`, username: offer.username, password: offer.password, notes: '' });
  await finish();
  return { status: 'saved', message: `Login saved for ${offer.host}.` };
}

export async function neverSites(): Promise<string[]> {
  return neverSitesItem.getValue();
}

export async function removeNeverSite(site: string): Promise<string[]> {
  const sites = (await neverSitesItem.getValue()).filter((entry) => entry !== site);
  await neverSitesItem.setValue(sites);
  return sites;
}

/** Tab closed: forget its offer and remembered username. */
export async function forgetTab(tabId: number): Promise<void> {
  const offers = await pendingOffersItem.getValue();
  if (offers[String(tabId)]) {
    delete offers[String(tabId)];
    await pendingOffersItem.setValue(offers);
  }
  const steps = await usernameStepsItem.getValue();
  if (steps[String(tabId)]) {
    delete steps[String(tabId)];
    await usernameStepsItem.setValue(steps);
  }
}

export { describeConfirmation };

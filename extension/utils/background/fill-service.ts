// Filling and saving, background side. A fill starts only from a person's action in a trusted
// place — the inline menu frame, the popup, the keyboard shortcut or the context menu — which
// creates a single-use ticket for one tab, one frame and one account. The content script of that
// frame claims the ticket; the claim is checked against the browser-reported URLs of the sender
// (never a URL in the message), so a frame cannot obtain another site's credentials.

import { browser } from 'wxt/browser';
import { encodeBase64, randomBytes } from '@secureaccess/shared/crypto';
import { defaultCharactersOptions, generateForSite, generatorOptionsOf } from '@secureaccess/shared/generator';
import { decideSaveOffer, isNeverSite } from '../forms/submit';
import { fillConfirmations, refusalForAccess, unconfirmed, type FillApplication } from '../forms/plan-fill';
import { registrableDomain } from '../forms/registrable-domain';
import { describeConfirmation, describeRefusal } from '../fill-messages';
import { t } from '../i18n';
import { askContent } from '../messaging';
import {
  ExtensionError,
  type FieldAnchorView,
  type FillTargetView,
  type FrameProbeView,
  type MenuAnchorView,
  type NewPasswordFormView,
  type FormKind,
  type ClaimedFill,
  type FillOutcome,
  type InlineState,
  type VerifiedSender,
} from '../protocol';
import {
  fillTicketsItem,
  inlineSessionsItem,
  neverSitesItem,
  pendingOffersItem,
  usernameStepsItem,
  type PendingOffer,
  type StoredFillTicket,
  type StoredInlineSession,
} from '../storage';
import { pickFrame, type RankedFrame } from './frame-choice';
import { judgeFrameChain, type FrameChainResult } from './frame-visibility';
import { currentUserKey, explained, holder, preferences as sessionPreferences, requireUserKey, status } from './session';
import {
  accessOf,
  catalogueFreshness,
  hostOf,
  markUsed,
  pageMatcher,
  revalidateCatalogue,
  saveAccount,
  syncIfStale,
  toView,
  vault,
} from './vault-service';
import type { VaultItem } from './vault-index';
import { toolbarButton } from './toolbar';

type ContentSender = Extract<VerifiedSender, { kind: 'content' }>;
type ExtensionSender = Extract<VerifiedSender, { kind: 'extension' }>;

const ticketTtlMs = 15_000; // a fill ticket is claimed within milliseconds of its creation
const inlineSessionTtlMs = 10 * 60_000; // an open menu or offer bar
const offerTtlMs = 3 * 60_000; // a submitted login can be saved for 3 minutes
const usernameStepTtlMs = 5 * 60_000; // first step of a multi-step login → its password step
const offerShowDelayMs = 600; // let a navigation that follows the submit start first
const probeTimeoutMs = 1500; // a frame still loading does not hold up the fill

type InlineSession = StoredInlineSession;

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

// ---- tickets and inline sessions, in storage.session --------------------------------------------
// Read-modify-write of one storage item from concurrent handlers must not lose a write: updates
// run one after another (within this worker; a restarted worker starts from what was stored).

let storageQueue: Promise<unknown> = Promise.resolve();
function serialized<T>(task: () => Promise<T>): Promise<T> {
  const run = storageQueue.then(task, task);
  storageQueue = run.catch(() => undefined);
  return run;
}

function updateTickets<T>(change: (all: Record<string, StoredFillTicket>, now: number) => T): Promise<T> {
  return serialized(async () => {
    const all = await fillTicketsItem.getValue();
    const now = Date.now();
    for (const [key, ticket] of Object.entries(all)) if (ticket.expiresAt < now) delete all[key];
    const result = change(all, now);
    await fillTicketsItem.setValue(all);
    return result;
  });
}

function updateSessions<T>(change: (all: Record<string, InlineSession>, now: number) => T): Promise<T> {
  return serialized(async () => {
    const all = await inlineSessionsItem.getValue();
    const now = Date.now();
    for (const [key, session] of Object.entries(all)) if (session.createdAt + inlineSessionTtlMs < now) delete all[key];
    const result = change(all, now);
    await inlineSessionsItem.setValue(all);
    return result;
  });
}

function deleteSession(token: string): Promise<void> {
  return updateSessions((all) => {
    delete all[token];
  });
}

// ---- the account ↔ page decision -------------------------------------------------------------------

interface UsableAccount {
  item: VaultItem;
  application: FillApplication;
}

/**
 * Whether `item` belongs to the page at `topUrl` (by its catalogue application or its own URL),
 * with the shared access decision of its application. Callers release nothing unless the
 * decision allows it (DESIGN §8).
 */
async function accountOnPage(item: VaultItem, topUrl: string): Promise<UsableAccount> {
  const m = await pageMatcher();
  const match = m.match(topUrl, [item]).accounts[0];
  if (!match || item.deletedAt !== null) {
    throw new ExtensionError('not-allowed', t('fill.notForPage', { host: hostOf(topUrl) ?? '?' }));
  }
  if (item.decryptError) throw new ExtensionError('not-allowed', t('errors.cannotDecrypt'));
  if (match.application) {
    return { item, application: { url: match.application.url, name: match.application.name, decision: accessOf(match.application) } };
  }
  return { item, application: { url: item.url ?? topUrl, name: hostOf(item.url) ?? hostOf(topUrl) ?? '', decision: null } };
}

/** The inline menu's note while the catalogue cannot be revalidated. */
function offlineNotice(checkedAt: number | null): string {
  return checkedAt ? t('inline.offline', { when: new Date(checkedAt).toLocaleTimeString() }) : t('inline.offlineEarlier');
}

// ---- starting a fill -------------------------------------------------------------------------------

interface FillRequest {
  uuid: string | null;
  generated?: string | null;
  confirmed: string[];
}

async function startFill(tabId: number, frameId: number, request: FillRequest): Promise<FillOutcome> {
  await requireUserKey();
  const ticket = randomToken();
  await updateTickets((all, now) => {
    all[ticket] = {
      tabId,
      frameId,
      uuid: request.uuid,
      generated: request.generated ?? null,
      confirmed: [...new Set(request.confirmed)],
      expiresAt: now + ticketTtlMs,
    };
  });
  let outcome: FillOutcome;
  try {
    outcome = await askContent(tabId, frameId, 'fill', { ticket });
  } catch (error) {
    outcome = {
      status: 'no-form',
      message: error instanceof ExtensionError && error.code !== 'no_answer' ? error.message : t('fill.pageNoAnswer'),
    };
  }
  await updateTickets((all) => {
    delete all[ticket];
  });
  if (outcome.status === 'filled' && request.uuid) void markUsed(request.uuid);
  return outcome;
}

/**
 * Content script: hand over the credentials of a ticket, if this frame may have them. The frames
 * above the sender are judged first (a hidden frame gets nothing and no question), then the
 * account's access, then every confirmation the fill needs, asked at once.
 */
export async function claimFill(
  sender: ContentSender,
  ticketId: string,
  target: FillTargetView,
  actionUrl: string | undefined,
): Promise<ClaimedFill> {
  const ticket = await updateTickets((all) => {
    const found = all[ticketId];
    if (found && found.tabId === sender.tabId && found.frameId === sender.frameId) {
      delete all[ticketId];
      return found;
    }
    return null;
  });
  if (!ticket) throw new ExtensionError('no-user-gesture', 'SecureAccess fills only when you ask it to.');
  const chain = await judgeFrameChain(sender.tabId, sender.frameId, target);
  if (!chain.visible) return { status: 'refuse', reason: chain.reason };
  let account = { username: '', password: '' };
  // A generated password (no account) is the person's own: no catalogue policy applies to it.
  let application: FillApplication = { url: sender.tabUrl, name: hostOf(sender.tabUrl) ?? '', decision: null };
  if (ticket.uuid) {
    // Fresh at the moment of use: a decline made a moment ago decides this fill (offline: the cache).
    await revalidateCatalogue();
    const v = await vault();
    const item = v.get(ticket.uuid);
    if (!item) throw new ExtensionError('not_found', t('errors.accountGone'));
    const usable = await accountOnPage(item, sender.tabUrl);
    // The same refusal planFill makes, made here before the password is decrypted or sent.
    const refusal = refusalForAccess(usable.application);
    if (refusal) return { status: 'refuse', reason: refusal };
    account = { username: item.username, password: await v.reveal(item.uuid, 'password') };
    application = usable.application;
  }
  const pending = unconfirmed(
    fillConfirmations({
      topUrl: sender.tabUrl,
      frameUrl: sender.frameUrl,
      actionUrl,
      applicationUrl: application.url,
      registrableDomain,
    }),
    ticket.confirmed,
  );
  if (pending.length > 0) return { status: 'confirm', reasons: pending };
  return {
    status: 'release',
    account,
    generated: ticket.generated,
    application,
    topUrl: sender.tabUrl,
    confirmed: ticket.confirmed,
  };
}

interface FrameProbe extends FrameProbeView {
  frameId: number;
  url: string;
}

async function probeFrames(tabId: number): Promise<FrameProbe[]> {
  const frames = (await browser.webNavigation.getAllFrames({ tabId })) ?? [];
  const probes = await Promise.all(
    frames.map(async (frame) => {
      try {
        const answer = await Promise.race([
          askContent(tabId, frame.frameId, 'probe', {}),
          new Promise<null>((resolve) => setTimeout(() => resolve(null), probeTimeoutMs)),
        ]);
        return answer ? { frameId: frame.frameId, url: frame.url, ...answer } : null;
      } catch {
        return null; // no content script there (browser pages, frames still loading)
      }
    }),
  );
  return probes.filter((probe): probe is FrameProbe => probe !== null && probe.candidates > 0);
}

async function chooseFrame(tabId: number, tabUrl: string): Promise<number | null> {
  const probes = await probeFrames(tabId);
  const topOrigin = originOf(tabUrl);
  const ranked = await Promise.all(
    probes.map(async (probe): Promise<RankedFrame> => {
      const visible = probe.target !== null && (await judgeFrameChain(tabId, probe.frameId, probe.target)).visible;
      return {
        frameId: probe.frameId,
        visible,
        focused: probe.focused,
        sameOriginAsTop: topOrigin !== null && originOf(probe.url) === topOrigin,
        quality: probe.quality,
      };
    }),
  );
  return pickFrame(ranked);
}

/** Popup (or shortcut): fill `uuid` into the login form of a tab. */
export async function fillTab(tabId: number, uuid: string, confirmed: string[] = []): Promise<FillOutcome> {
  return explained(async () => {
    await requireUserKey();
    const tab = await browser.tabs.get(tabId);
    const frameId = await chooseFrame(tabId, tab.url ?? '');
    if (frameId === null) return { status: 'no-form', message: t('fill.noForm') };
    return startFill(tabId, frameId, { uuid, confirmed });
  });
}

// ---- the inline UI frame ------------------------------------------------------------------------------

async function createInlineSession(session: Omit<InlineSession, 'createdAt'>): Promise<string> {
  const token = randomToken();
  await updateSessions((all, now) => {
    all[token] = { ...session, createdAt: now };
  });
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
  const verdict = await updateSessions((all): InlineSession | 'expired' | 'forbidden' => {
    const session = all[token];
    if (!session || sender.tabId === null || sender.frameId === null || sender.tabId !== session.tabId) return 'expired';
    if (new URL(sender.url).pathname !== '/inline-ui.html') return 'forbidden';
    session.uiFrameId ??= sender.frameId;
    return session.uiFrameId === sender.frameId ? session : 'forbidden';
  });
  if (verdict === 'expired') throw new ExtensionError('expired', t('fill.menuExpired'));
  if (verdict === 'forbidden') throw new ExtensionError('forbidden_sender', t('fill.menuForeign'));
  return verdict;
}

/**
 * Has the top frame draw the menu of `token` next to a field of frame `frameId`: the field's
 * rectangle is moved into the top page's coordinates through the frames above it (offsets
 * composed by `judgeFrameChain`), so a menu for a login in a small iframe is never clipped by it.
 */
async function drawMenuInTop(tabId: number, frameId: number, token: string, anchor: FieldAnchorView, chain: FrameChainResult | null): Promise<boolean> {
  let menuAnchor: MenuAnchorView = { ...anchor, childFrameId: null, childIndex: -1 };
  if (frameId !== 0) {
    if (!chain?.visible || chain.topChildFrameId === null || !chain.topChildOffset) return false;
    // Field rect → top viewport (the composed offset) → relative to the top page's child <iframe>,
    // which the top page re-reads on every placement (it scrolls with the page).
    const shift = (r: FieldAnchorView['rect']) => ({
      ...r,
      left: r.left + chain.offset.left - chain.topChildOffset!.left,
      top: r.top + chain.offset.top - chain.topChildOffset!.top,
    });
    menuAnchor = { rect: shift(anchor.rect), avoid: anchor.avoid.map(shift), childFrameId: chain.topChildFrameId, childIndex: chain.topChildIndex };
  }
  try {
    return (await askContent(tabId, 0, 'show-menu', { token, anchor: menuAnchor })).shown;
  } catch {
    return false;
  }
}

/** A new password for a site (null: its rules cannot be met), with the person's generator settings. */
async function passwordForSite(rules: NewPasswordFormView['rules']): Promise<string | null> {
  const { generator } = await sessionPreferences();
  try {
    return generateForSite(generator ? generatorOptionsOf(generator) : defaultCharactersOptions, rules);
  } catch {
    return null; // rules the page sent in a shape no page would (the content script reads attributes)
  }
}

/** Content script: a login field got focus; make a token and have the top frame draw the menu. */
export async function openMenu(
  sender: ContentSender,
  target: FillTargetView | null,
  blockedInFrame: string | null,
  anchor: FieldAnchorView,
  form?: NewPasswordFormView,
): Promise<{ token: string; shown: boolean }> {
  void syncIfStale();
  let blocked = blockedInFrame ?? (target ? null : t('fill.fieldCannotFill'));
  // The frames above are judged even for a blocked field: the menu is still drawn (saying why).
  const chain = target ? await judgeFrameChain(sender.tabId, sender.frameId, target) : null;
  if (!blocked && chain && !chain.visible) blocked = describeRefusal(chain.reason);
  const session: Omit<InlineSession, 'createdAt'> = { tabId: sender.tabId, frameId: sender.frameId, kind: 'menu', tabUrl: sender.tabUrl };
  if (blocked) session.blocked = blocked;
  if (form) {
    // A sign-up or change-password form: the menu offers a password the site's rules accept,
    // made with the person's generator settings; kept in the session so the fill uses the one shown.
    session.formKind = form.kind;
    const generated = await passwordForSite(form.rules);
    if (generated) session.generated = generated;
  }
  const token = await createInlineSession(session);
  const shown = await drawMenuInTop(sender.tabId, sender.frameId, token, anchor, chain);
  return { token, shown };
}

/** The field's frame asks to close the menu it opened. */
export async function closeMenuOf(sender: ContentSender, token: string): Promise<void> {
  const session = (await inlineSessionsItem.getValue())[token];
  if (!session || session.tabId !== sender.tabId || session.frameId !== sender.frameId) return;
  await deleteSession(token);
  await askContent(sender.tabId, 0, 'close-frame', { token }).catch(() => undefined);
}

/** ArrowDown in the field: keyboard focus into the menu the top frame draws. */
export async function focusMenuOf(sender: ContentSender, token: string): Promise<void> {
  const session = (await inlineSessionsItem.getValue())[token];
  if (!session || session.tabId !== sender.tabId || session.frameId !== sender.frameId) return;
  await askContent(sender.tabId, 0, 'focus-menu', { token }).catch(() => undefined);
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
    if (placement === 'top-bar') return (await askContent(tabId, frameId, 'show-frame', { token, placement })).shown;
    const { anchor, target, form } = await askContent(tabId, frameId, 'field-anchor', { token });
    if (!anchor) return false;
    if (form && session.kind === 'menu') {
      // The context menu on a sign-up or change-password field: the same offer as on focus.
      const generated = await passwordForSite(form.rules);
      await updateSessions((all) => {
        const opened = all[token];
        if (!opened) return;
        opened.formKind = form.kind;
        if (generated) opened.generated = generated;
      });
    }
    const chain = target ? await judgeFrameChain(tabId, frameId, target) : null;
    return await drawMenuInTop(tabId, frameId, token, anchor, chain);
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
    if (!offer || offer.createdAt + offerTtlMs < Date.now()) throw new ExtensionError('expired', t('fill.offerExpired'));
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
        reason: canSave ? null : t('fill.readerCannotSave'),
      },
    };
  }
  const host = hostOf(session.tabUrl) ?? '';
  const formKind: FormKind = session.formKind ?? 'login';
  const menu = { kind: 'menu' as const, host, formKind, generated: null, accounts: [], blocked: null, offline: null };
  // A hidden or covered field (or frame): the menu says why and offers nothing to pick.
  if (session.blocked) return { ...menu, phase: (await status()).phase, blocked: session.blocked };
  const { phase } = await status();
  if (phase !== 'unlocked') return { ...menu, phase };
  const generated = session.generated ?? null;
  // A sign-up creates an account: no saved login belongs in it, only the generated password.
  if (formKind === 'sign-up') return { ...menu, phase, generated };
  const freshness = await revalidateCatalogue().catch(() => catalogueFreshness());
  const v = await vault();
  const m = await pageMatcher();
  const { applications, accounts } = m.match(session.tabUrl, v.active());
  const refusal = applications.map((match) => accessOf(match.application)!).find((access) => !access.allowed);
  const usable = accounts.filter((account) => !account.application || accessOf(account.application)!.allowed);
  const blocked = usable.length === 0 && refusal ? refusal.message : null;
  return {
    ...menu,
    phase,
    // On a change-password form of a refused application nothing is offered, not even a new password.
    generated: blocked ? null : generated,
    offline: freshness.offline ? offlineNotice(freshness.checkedAt) : null,
    accounts: usable
      .filter((account) => !account.item.decryptError)
      .map((account) => ({ uuid: account.item.uuid, name: toView(account.item, m).name, username: account.item.username })),
    blocked,
  };
}

export async function inlineSelect(sender: ExtensionSender, token: string, uuid: string | null, confirmed: string[]): Promise<FillOutcome> {
  return explained(async () => {
    const session = await verifyInlineSender(sender, token);
    if (session.kind === 'offer') throw new ExtensionError('invalid', t('errors.internal'));
    const setsPassword = session.formKind === 'sign-up' || session.formKind === 'change-password';
    // A sign-up takes no saved login; a fill with no account needs the generated password.
    if ((uuid !== null && session.formKind === 'sign-up') || (uuid === null && !session.generated)) {
      throw new ExtensionError('invalid', t('errors.internal'));
    }
    const generated = setsPassword ? (session.generated ?? null) : null;
    const outcome = await startFill(session.tabId, session.frameId, { uuid, generated, confirmed });
    if (outcome.status === 'filled' && uuid !== null && session.formKind === 'change-password') {
      // The form shows no username: the password it submits is this account's new one.
      await rememberAccountForTab(session.tabId, session.tabUrl, uuid);
    }
    if (outcome.status === 'filled') {
      await deleteSession(token);
      await askContent(session.tabId, 0, 'close-frame', { token }).catch(() => undefined);
    }
    return outcome;
  });
}

export async function closeInline(sender: ExtensionSender, token: string, refocus = false): Promise<void> {
  const session = await verifyInlineSender(sender, token);
  await deleteSession(token);
  // Escape: focus back to the field first (its frame still knows which field the menu was for).
  if (refocus) await askContent(session.tabId, session.frameId, 'focus-field', { token }).catch(() => undefined);
  // Menus are drawn by the top frame, the save bar too; the field's frame forgets its menu.
  await askContent(session.tabId, 0, 'close-frame', { token }).catch(() => undefined);
  if (session.frameId !== 0) await askContent(session.tabId, session.frameId, 'close-frame', { token }).catch(() => undefined);
}

// ---- shortcut and context menu ---------------------------------------------------------------------

/** Keyboard shortcut: fill the best account for the tab; ask in the page when a confirmation is due. */
export async function fillFromShortcut(tabId: number, tabUrl: string): Promise<FillOutcome> {
  if (!(await currentUserKey())) {
    try {
      await toolbarButton()?.openPopup();
    } catch {
      // Opening the popup needs a recent gesture in some browsers; the badge is enough then.
    }
    return { status: 'refused', code: 'locked', message: t('fill.unlockFirst') };
  }
  await revalidateCatalogue().catch(() => undefined);
  const v = await vault();
  const m = await pageMatcher();
  const readable = m.match(tabUrl, v.active()).accounts.filter((account) => !account.item.decryptError);
  const best = readable.find((account) => !account.application || accessOf(account.application)!.allowed);
  if (!best) {
    const refusal = readable.map((account) => accessOf(account.application)).find((access) => access && !access.allowed);
    if (refusal) return { status: 'refused', code: 'access_declined', message: refusal.message };
    return { status: 'refused', code: 'no-match', message: t('fill.noAccount') };
  }
  const frameId = await chooseFrame(tabId, tabUrl);
  if (frameId === null) return { status: 'no-form', message: t('fill.noForm') };
  const outcome = await startFill(tabId, frameId, { uuid: best.item.uuid, confirmed: [] });
  if (outcome.status === 'confirm') {
    await showInlineFrame(
      tabId,
      frameId,
      { kind: 'confirm', accountUuid: best.item.uuid, confirm: { keys: outcome.keys, message: outcome.message, confirmed: [] } },
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

/** After a change-password fill: the account whose password the form changes, for the update offer. */
async function rememberAccountForTab(tabId: number, tabUrl: string, uuid: string): Promise<void> {
  const item = (await vault()).get(uuid);
  if (item) await storeUsernameStep(tabId, tabUrl, item.username);
}

/** The username a later password step (or the password a change sets) belongs to, per tab and site. */
async function storeUsernameStep(tabId: number, url: string, username: string): Promise<void> {
  const site = siteOf(url);
  if (!site || username.trim().length < 2) return;
  const steps = await usernameStepsItem.getValue();
  steps[String(tabId)] = { username: username.trim(), site, at: Date.now() };
  await usernameStepsItem.setValue(steps);
}

export async function rememberUsernameStep(sender: ContentSender, username: string): Promise<void> {
  await storeUsernameStep(sender.tabId, sender.frameUrl, username);
}

/** A login was submitted in a frame: decide (with the pure rule) whether to offer save or update. */
export async function loginSubmitted(
  sender: ContentSender,
  username: string,
  password: string,
  formKind: FormKind = 'login',
): Promise<{ offer: boolean }> {
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
  const page = m.match(sender.frameUrl, v.active());
  // No save or update offer where the application refuses access: autofill is off there.
  if (page.applications[0] && !accessOf(page.applications[0].application)!.allowed) return { offer: false };
  // Passwords are decrypted only when used: here, those of the site's accounts, to compare.
  const existing = await Promise.all(
    page.accounts.map(async ({ item }) => ({
      ...item,
      password: await v.reveal(item.uuid, 'password').catch(() => ''),
    })),
  );
  const neverSites = await neverSitesItem.getValue();
  let decision = decideSaveOffer({ username: submittedUsername, password, host: hostOf(sender.frameUrl)!.replace(/:\d+$/, '') }, existing, neverSites);
  // A sign-up with no name to go by is a new account, never an update of the site's only one.
  if (formKind === 'sign-up' && decision === 'update' && submittedUsername === '') decision = 'save';
  if (decision === 'none') return { offer: false };
  // The person may have turned either offer off (options → Preferences → Notifications).
  const { notifications } = await sessionPreferences();
  if (notifications && !(decision === 'save' ? notifications.offerSave : notifications.offerUpdate)) return { offer: false };
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
  if (session.kind !== 'offer') throw new ExtensionError('invalid', t('errors.internal'));
  const offers = await pendingOffersItem.getValue();
  const offer = offers[String(session.tabId)];
  if (!offer) throw new ExtensionError('expired', t('fill.offerExpired'));
  const finish = async () => {
    delete offers[String(session.tabId)];
    await pendingOffersItem.setValue(offers);
    await deleteSession(token);
  };
  if (action === 'dismiss') {
    await finish();
    return { status: 'dismissed', message: t('fill.notSaved') };
  }
  if (action === 'never') {
    const sites = await neverSitesItem.getValue();
    const site = offer.host.toLowerCase();
    if (!isNeverSite(site, sites)) await neverSitesItem.setValue([...sites, site]);
    await finish();
    return { status: 'never', message: t('fill.neverSite', { site }) };
  }
  if (action === 'update' && offer.accountUuid) {
    const v = await vault();
    const item = v.get(offer.accountUuid);
    if (!item) throw new ExtensionError('not_found', t('errors.accountGone'));
    await saveAccount({
      uuid: item.uuid,
      title: item.title,
      url: item.url ?? '',
      username: item.username,
      password: offer.password,
      notes: await v.reveal(item.uuid, 'notes'),
      folder: item.folder,
    });
    await finish();
    return { status: 'updated', message: t('fill.passwordUpdated', { name: item.username || offer.host }) };
  }
  const url = new URL(offer.frameUrl);
  await saveAccount({ url: `${url.origin}${url.pathname}`, username: offer.username, password: offer.password, notes: '' });
  await finish();
  return { status: 'saved', message: t('fill.loginSaved', { host: offer.host }) };
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

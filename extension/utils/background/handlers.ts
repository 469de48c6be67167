// The background's handler map: one entry per message of BackgroundProtocol. The dispatcher has
// already checked the sender kind; handlers that act on a tab take it from the sender.

import { ExtensionError, type BackgroundHandlers, type VaultListView } from '../protocol';
import { registrableDomains } from '../forms/registrable-domain';
import { scheduleClipboardClear } from './clipboard';
import {
  answerOffer,
  claimFill,
  closeInline,
  fillTab,
  inlineSelect,
  inlineState,
  loginSubmitted,
  neverSites,
  openMenu,
  pendingOffer,
  rememberUsernameStep,
  removeNeverSite,
} from './fill-service';
import * as session from './session';
import {
  accessOf,
  deleteAccount,
  hostOf,
  markUsed,
  pageMatcher,
  restoreAccount,
  saveAccount,
  sync,
  syncedAt,
  toView,
  vault,
} from './vault-service';
import { browser } from 'wxt/browser';

const byName = (a: { name: string; username: string }, b: { name: string; username: string }) =>
  a.name.localeCompare(b.name) || a.username.localeCompare(b.username);

async function listVault(tabId: number | undefined, query: string | undefined): Promise<VaultListView> {
  const v = await vault();
  const m = await pageMatcher();
  let tabUrl: string | null = null;
  if (tabId !== undefined) {
    try {
      tabUrl = (await browser.tabs.get(tabId)).url ?? null;
    } catch {
      tabUrl = null;
    }
  }
  const page = tabUrl ? m.match(tabUrl, v.active()) : { applications: [], accounts: [] };
  const needle = query?.trim().toLowerCase() ?? '';
  const all = v
    .active()
    .map((item) => toView(item, m))
    .filter(
      (view) =>
        needle === '' ||
        view.name.toLowerCase().includes(needle) ||
        view.username.toLowerCase().includes(needle) ||
        (view.url ?? '').toLowerCase().includes(needle),
    )
    .sort(byName);
  return {
    page: {
      host: tabUrl && /^https?:/i.test(tabUrl) ? hostOf(tabUrl) : null,
      applications: page.applications.map((match) => ({
        id: match.application.id,
        name: match.application.name,
        access: accessOf(match.application)!,
      })),
    },
    matching: page.accounts.map((account) => toView(account.item, m)),
    all,
    trash: v.trash().map((item) => toView(item, m)).sort(byName),
    syncedAt: syncedAt(),
  };
}

export const backgroundHandlers: BackgroundHandlers = {
  status: () => session.status(),
  'server:set': ({ url }) => session.setServer(url),
  'auth:register': async (input) => {
    const result = await session.register(input);
    void sync().catch(() => undefined);
    return result;
  },
  'auth:login': async ({ email, password, mfaCode }) => {
    const result = await session.login(email, password, mfaCode);
    if (result.status === 'ok') await sync().catch(() => undefined);
    return result;
  },
  'auth:unlock': async ({ password }) => {
    await session.unlock(password);
    void sync().catch(() => undefined);
    return { status: 'ok' };
  },
  'auth:lock': async () => {
    await session.lock();
    return { status: 'ok' };
  },
  'auth:logout': async () => {
    await session.logout();
    return { status: 'ok' };
  },
  'vault:list': async ({ tabId, query }) => {
    await session.touchActivity();
    return listVault(tabId, query);
  },
  'vault:sync': async () => ({ syncedAt: await sync() }),
  'vault:reveal': async ({ uuid }) => {
    await session.touchActivity();
    const item = (await vault()).get(uuid);
    if (!item) throw new ExtensionError('not_found', 'This account no longer exists.');
    if (item.decryptError) throw new ExtensionError('crypto', 'This account could not be decrypted.');
    return { username: item.username, password: item.password, notes: item.notes };
  },
  'vault:save': async (request) => {
    await session.touchActivity();
    return saveAccount(request);
  },
  'vault:delete': async ({ uuid }) => {
    await deleteAccount(uuid);
    return { status: 'ok' };
  },
  'vault:restore': ({ uuid }) => restoreAccount(uuid),
  'vault:copied': async ({ uuid, field }) => {
    const { clipboardClearSeconds } = await session.preferences();
    await scheduleClipboardClear(clipboardClearSeconds);
    if (field === 'password') void markUsed(uuid);
    return { clearsInSeconds: clipboardClearSeconds };
  },
  'fill:tab': async ({ tabId, uuid, confirmed }) => {
    await session.touchActivity();
    return fillTab(tabId, uuid, confirmed ?? []);
  },
  'inline:state': ({ token }, sender) => inlineState(sender, token),
  'inline:select': async ({ token, uuid, confirmed }, sender) => {
    await session.touchActivity();
    return inlineSelect(sender, token, uuid, confirmed ?? []);
  },
  'inline:offer': ({ token, action }, sender) => session.explained(() => answerOffer(sender, token, action)),
  'inline:close': async ({ token }, sender) => {
    await closeInline(sender, token);
    return { status: 'ok' };
  },
  'sites:never-list': async () => ({ sites: await neverSites() }),
  'sites:never-remove': async ({ site }) => ({ sites: await removeNeverSite(site) }),

  'content:open-menu': (_payload, sender) => openMenu(sender),
  'content:claim-fill': async ({ ticket }, sender) => {
    await session.touchActivity();
    return claimFill(sender, ticket);
  },
  'content:username-step': async ({ username }, sender) => {
    await rememberUsernameStep(sender, username);
    return { status: 'ok' };
  },
  'content:submitted': ({ username, password }, sender) => loginSubmitted(sender, username, password),
  'content:pending-offer': (_payload, sender) => pendingOffer(sender),
  'content:registrable-domains': async ({ hosts }) => {
    const domains = registrableDomains(hosts);
    if (!domains) throw new ExtensionError('bad-request', 'Too many or malformed hosts.');
    return { domains };
  },
};

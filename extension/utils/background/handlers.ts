// The background's handler map: one entry per message of BackgroundProtocol. The dispatcher has
// already checked the sender kind; handlers that act on a tab take it from the sender.

import { secretFields } from '@secureaccess/shared/contract';
import { t } from '../i18n';
import { ExtensionError, type AccountSecrets, type BackgroundHandlers, type VaultListView } from '../protocol';
import { registrableDomains } from '../forms/registrable-domain';
import { scheduleClipboardClear } from './clipboard';
import {
  answerOffer,
  claimFill,
  closeInline,
  closeMenuOf,
  focusMenuOf,
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
import { readPreferences, saveProfile, savePreferences } from './preferences-service';
// people (admin-people)
import * as people from './people-admin-service';
// ---- catalogue (admin console) ----
import { bulkUpdateCatalogue, createCatalogueApplication, importCatalogue, listCatalogue, updateCatalogueApplication } from './catalogue-admin-service';
// account security
import * as account from './account-service';
// security overview
import * as overview from './security-overview-service';
// ---- transfer (import & export)
import { cancelImport, exportBackup, exportCsv, importProgress, previewImport, startImport } from './transfer-service';
import * as session from './session';
import {
  accessOf,
  assertSecretUsable,
  catalogueFreshness,
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
        (view.folder ?? '').toLowerCase().includes(needle) ||
        (view.url ?? '').toLowerCase().includes(needle),
    )
    .sort(byName);
  return {
    page: {
      host: tabUrl && /^https?:/i.test(tabUrl) ? hostOf(tabUrl) : null,
      applications: page.applications.map((match) => ({
        id: match.application.id,
        name: match.application.name,
        decision: accessOf(match.application)!,
      })),
    },
    matching: page.accounts.map((account) => toView(account.item, m)),
    all,
    trash: v.trash().map((item) => toView(item, m)).sort(byName),
    syncedAt: syncedAt(),
    catalogue: await catalogueFreshness(),
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
    const v = await vault();
    const item = v.get(uuid);
    if (!item) throw new ExtensionError('not_found', t('errors.accountGone'));
    // Reveal and copy release the password as surely as a fill does: the same decision, fresh.
    await assertSecretUsable(item);
    const texts = await Promise.all(secretFields.map((field) => v.reveal(uuid, field)));
    return Object.fromEntries(secretFields.map((field, i) => [field, texts[i]!])) as AccountSecrets;
  },
  'vault:save': async (request) => {
    await session.touchActivity();
    return saveAccount(request);
  },
  'vault:delete': async ({ uuid, permanent }) => {
    await deleteAccount(uuid, permanent === true);
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
  'inline:close': async ({ token, refocus }, sender) => {
    await closeInline(sender, token, refocus === true);
    return { status: 'ok' };
  },
  'preferences:get': async () => ({ preferences: await readPreferences() }),
  'preferences:set': async ({ preferences }) => ({ preferences: await savePreferences(preferences) }),
  // people (admin-people): users, audit log, organisation settings, own activity
  'people:list': ({ q, cursor }) => people.listPeople(q, cursor),
  'people:update': ({ id, change }) => people.updatePerson(id, change),
  'people:settings-get': () => people.readOrganisationSettings(),
  'people:settings-set': ({ settings }) => people.saveOrganisationSettings(settings),
  'audit:list': ({ filter, cursor }) => people.listAudit(filter, cursor),
  'audit:export': ({ filter }) => people.exportAudit(filter),
  'audit:verify': () => people.verifyAuditLog(),
  'audit:own': ({ filter, cursor }) => people.listOwnAudit(filter, cursor),
  'profile:set': (names) => saveProfile(names),
  'sites:never-list': async () => ({ sites: await neverSites() }),
  'sites:never-remove': async ({ site }) => ({ sites: await removeNeverSite(site) }),
  // ---- catalogue (admin console) ----
  'catalogue:list': () => listCatalogue(),
  'catalogue:create': ({ draft }) => createCatalogueApplication(draft),
  'catalogue:update': ({ id, changes }) => updateCatalogueApplication(id, changes),
  'catalogue:bulk': ({ ids, action }) => bulkUpdateCatalogue(ids, action),
  'catalogue:import': ({ rows }) => importCatalogue(rows),
  // account security (account-service.ts)
  'account:sessions': () => account.listSessions(),
  'account:revoke-session': ({ id }) => account.revokeSession(id),
  'account:logout-all': () => account.logoutEverywhere(),
  'mfa:status': () => account.mfaStatus(),
  'mfa:setup': () => account.startMfaSetup(),
  'mfa:enable': ({ code }) => account.enableMfa(code),
  'mfa:disable': ({ code }) => account.disableMfa(code),
  'mfa:regenerate-backup-codes': ({ code }) => account.regenerateBackupCodes(code),
  'password:change': ({ currentPassword, newPassword }) => account.changeMasterPassword(currentPassword, newPassword),
  'recovery:regenerate': ({ password }) => account.regenerateRecoveryCode(password),
  'recovery:reset': (input) => account.resetWithRecoveryCode(input),
  // security overview (security-overview-service.ts)
  'overview:get': () => overview.securityOverview(),
  'overview:passwords': () => overview.passwordsForCheck(),
  // ---- transfer (import & export)
  'transfer:preview': async (request) => {
    await session.touchActivity();
    return previewImport(request);
  },
  'transfer:import': async (request) => {
    await session.touchActivity();
    return startImport(request);
  },
  // Polled while an import runs: counts as activity, so the vault does not lock mid-import.
  'transfer:progress': async ({ jobId }) => {
    await session.touchActivity();
    return importProgress(jobId);
  },
  'transfer:cancel': ({ jobId }) => cancelImport(jobId),
  'transfer:export-backup': ({ password }) => exportBackup(password),
  'transfer:export-csv': ({ masterPassword }) => exportCsv(masterPassword),
  // ---- end transfer

  'content:open-menu': ({ target, blocked, anchor, form }, sender) => openMenu(sender, target, blocked, anchor, form),
  'content:close-menu': async ({ token }, sender) => {
    await closeMenuOf(sender, token);
    return { status: 'ok' };
  },
  'content:focus-menu': async ({ token }, sender) => {
    await focusMenuOf(sender, token);
    return { status: 'ok' };
  },
  'content:claim-fill': async ({ ticket, target, actionUrl }, sender) => {
    await session.touchActivity();
    return claimFill(sender, ticket, target, actionUrl);
  },
  'content:username-step': async ({ username }, sender) => {
    await rememberUsernameStep(sender, username);
    return { status: 'ok' };
  },
  'content:submitted': ({ username, password, formKind }, sender) => loginSubmitted(sender, username, password, formKind),
  'content:pending-offer': (_payload, sender) => pendingOffer(sender),
  'content:registrable-domains': async ({ hosts }) => {
    const domains = registrableDomains(hosts);
    if (!domains) throw new ExtensionError('bad-request', t('errors.internal'));
    return { domains };
  },
};

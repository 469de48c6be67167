// Vault sync (delta endpoint), the catalogue, and account changes. The decrypted index lives in
// this module's memory while unlocked and is rebuilt from the encrypted cache after a service
// worker restart; locking drops it.

import type { Account, Application } from '@secureaccess/shared/contract';
import { encryptField } from '@secureaccess/shared/crypto';
import { normalizeUrl } from '@secureaccess/shared/matcher';
import { ExtensionError, type AccessView, type AccountView, type SaveAccountRequest } from '../protocol';
import { catalogueItem, preferencesItem, vaultCacheItem } from '../storage';
import { isApiError } from './api-client';
import { authed, explained, holder, onLock, requireUserKey } from './session';
import { mergeEncryptedAccounts, PageMatcher, VaultIndex, type VaultItem } from './vault-index';
import { singleFlight } from './token-manager';

let index: VaultIndex | null = null;
let indexUserId: string | null = null;
let matcher: PageMatcher | null = null;
let lastSyncAt: number | null = null;

onLock(() => {
  index = null;
  indexUserId = null;
});

/** Minimum time between automatic syncs (popup opening, menus); an explicit sync always runs. */
export const autoSyncIntervalMs = 30_000;

export function syncedAt(): number | null {
  return lastSyncAt;
}

export async function pageMatcher(): Promise<PageMatcher> {
  if (matcher) return matcher;
  const cache = await catalogueItem.getValue();
  matcher = new PageMatcher(cache?.applications ?? []);
  return matcher;
}

/** The decrypted vault (throws `locked` when it is locked). */
export async function vault(): Promise<VaultIndex> {
  const { key, holder: current } = await requireUserKey();
  if (index && indexUserId === current.user.id) return index;
  const cache = await vaultCacheItem.getValue();
  const accounts = cache && cache.userId === current.user.id ? cache.accounts : [];
  index = await VaultIndex.build(key, accounts);
  indexUserId = current.user.id;
  return index;
}

async function syncCatalogue(): Promise<void> {
  const { applications } = await authed('applications', 'list');
  await catalogueItem.setValue({ applications, fetchedAt: Date.now() });
  matcher = new PageMatcher(applications);
}

async function syncPreferences(): Promise<void> {
  try {
    const { preferences } = await authed('auth', 'getPreferences');
    await preferencesItem.setValue(preferences);
  } catch (error) {
    if (!isApiError(error, 'not_found')) throw error;
  }
}

async function syncAccounts(): Promise<void> {
  const { key, holder: current } = await requireUserKey();
  const cache = await vaultCacheItem.getValue();
  const sameUser = cache?.userId === current.user.id;
  const since = sameUser ? (cache?.cursor ?? undefined) : undefined;
  const delta = await authed('accounts', 'list', { query: since ? { since } : {} });
  const accounts = since ? mergeEncryptedAccounts(cache?.accounts ?? [], delta.accounts, delta.tombstones) : delta.accounts;
  await vaultCacheItem.setValue({ userId: current.user.id, cursor: delta.cursor, accounts });
  if (index && indexUserId === current.user.id && since) {
    await index.applyChanges(key, delta.accounts, delta.tombstones);
  } else {
    index = await VaultIndex.build(key, accounts);
    indexUserId = current.user.id;
  }
}

const runSync = singleFlight(async () => {
  await Promise.all([syncCatalogue(), syncPreferences(), syncAccounts()]);
  lastSyncAt = Date.now();
  return lastSyncAt;
});

/** Catalogue, preferences and the vault delta, at most one run at a time. */
export async function sync(): Promise<number> {
  return explained(runSync);
}

/** Syncs when the last sync is older than `autoSyncIntervalMs`; failures are left for the next one. */
export async function syncIfStale(): Promise<void> {
  if (lastSyncAt !== null && Date.now() - lastSyncAt < autoSyncIntervalMs) return;
  try {
    await runSync();
  } catch {
    // Offline or the server refused: the cached vault keeps working.
  }
}

// ---- views -----------------------------------------------------------------------------------------

export function accessOf(application: Application | null): AccessView | null {
  if (!application) return null;
  const granted = application.access === 'granted';
  return {
    allowed: granted && application.isActive,
    value: granted ? application.accessGrantedValue : application.accessDeclinedValue,
    isActive: application.isActive,
  };
}

export function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).host || null;
  } catch {
    return null;
  }
}

export function toView(item: VaultItem, m: PageMatcher): AccountView {
  const application = m.application(item.applicationId);
  return {
    uuid: item.uuid,
    name: application?.name ?? hostOf(item.url) ?? item.url ?? '(no site)',
    applicationId: item.applicationId,
    url: item.url ?? application?.url ?? null,
    folder: item.folder,
    username: item.decryptError ? '(cannot decrypt)' : item.username,
    revision: item.revision,
    updatedAt: item.updatedAt,
    deletedAt: item.deletedAt,
    access: accessOf(application),
  };
}

// ---- changes -------------------------------------------------------------------------------------

async function storeChangedAccount(account: Account): Promise<VaultItem> {
  const { key, holder: current } = await requireUserKey();
  const cache = await vaultCacheItem.getValue();
  const accounts = mergeEncryptedAccounts(cache?.userId === current.user.id ? cache.accounts : [], [account], []);
  await vaultCacheItem.setValue({ userId: current.user.id, cursor: cache?.cursor ?? null, accounts });
  const v = await vault();
  await v.applyChanges(key, [account], []);
  return v.get(account.uuid)!;
}

/**
 * The application a new account for `url` belongs to: the best catalogue match, else (editors and
 * admins) a new application for the site, else none (the account keeps its URL).
 */
export async function resolveApplication(url: string): Promise<Application | null> {
  const m = await pageMatcher();
  const best = m.matchApplications(url)[0];
  if (best) return best.application;
  const current = await holder();
  const normalized = normalizeUrl(url);
  if (!current || current.user.role === 'reader' || !normalized) return null;
  const parsed = new URL(url);
  const name = normalized.registrableDomain ?? parsed.hostname;
  const { application } = await authed('applications', 'create', {
    body: { name, url: `${parsed.protocol}//${parsed.host}/` },
  });
  const cache = await catalogueItem.getValue();
  const applications = [...(cache?.applications ?? []), application];
  await catalogueItem.setValue({ applications, fetchedAt: cache?.fetchedAt ?? Date.now() });
  matcher = new PageMatcher(applications);
  return application;
}

function assertCanWrite(role: string): void {
  if (role === 'reader') {
    throw new ExtensionError('forbidden', 'Your role (reader) can use accounts but not add or change them. Ask an administrator.');
  }
}

export async function saveAccount(request: SaveAccountRequest): Promise<AccountView> {
  return explained(async () => {
    const { key, keyVersion, holder: current } = await requireUserKey();
    assertCanWrite(current.user.role);
    if (request.password === '') throw new ExtensionError('invalid', 'Enter a password.');
    const url = request.url.trim();
    if (url !== '' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
      throw new ExtensionError('invalid', 'The website must be a full address such as https://example.com');
    }
    const v = await vault();
    const existing = request.uuid ? v.get(request.uuid) : undefined;
    if (request.uuid && !existing) throw new ExtensionError('not_found', 'This account no longer exists.');
    const uuid = existing?.uuid ?? crypto.randomUUID();
    const urlChanged = !existing || (existing.url ?? '') !== url;
    const application = url === '' ? null : urlChanged ? await resolveApplication(url) : (await pageMatcher()).application(existing.applicationId);
    const [username, password, notes] = await Promise.all([
      encryptField(key, keyVersion, uuid, 'username', request.username),
      encryptField(key, keyVersion, uuid, 'password', request.password),
      request.notes ? encryptField(key, keyVersion, uuid, 'notes', request.notes) : Promise.resolve(null),
    ]);
    const body = {
      applicationId: application?.id ?? existing?.applicationId ?? null,
      url: url === '' ? null : url,
      folder: request.folder ?? existing?.folder ?? null,
      username,
      password,
      notes,
    };
    let account: Account;
    if (existing) {
      try {
        ({ account } = await authed('accounts', 'update', {
          params: { uuid },
          headers: { 'if-match': `"${existing.revision}"` },
          body,
        }));
      } catch (error) {
        if (isApiError(error, 'revision_conflict')) await sync().catch(() => undefined);
        throw error;
      }
    } else {
      ({ account } = await authed('accounts', 'create', { body: { uuid, ...body } }));
    }
    return toView(await storeChangedAccount(account), await pageMatcher());
  });
}

export async function deleteAccount(uuid: string): Promise<void> {
  return explained(async () => {
    const { holder: current } = await requireUserKey();
    assertCanWrite(current.user.role);
    const v = await vault();
    const item = v.get(uuid);
    if (!item) throw new ExtensionError('not_found', 'This account no longer exists.');
    await authed('accounts', 'delete', { params: { uuid }, query: {} });
    // The trash keeps it; the next delta brings the server's version (with its new revision).
    v.put({ ...item, deletedAt: new Date().toISOString() });
    await sync().catch(() => undefined);
  });
}

export async function restoreAccount(uuid: string): Promise<AccountView> {
  return explained(async () => {
    const { holder: current } = await requireUserKey();
    assertCanWrite(current.user.role);
    const { account } = await authed('accounts', 'restore', { params: { uuid }, body: {} });
    return toView(await storeChangedAccount(account), await pageMatcher());
  });
}

/** Records a fill or copy (last used + audit). Best effort: never blocks the person. */
export async function markUsed(uuid: string): Promise<void> {
  try {
    await authed('accounts', 'markUsed', { params: { uuid }, body: {} });
  } catch {
    // Offline: the audit row is lost for this use, the fill is not.
  }
}

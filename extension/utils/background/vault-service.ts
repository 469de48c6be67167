// Vault sync (delta endpoint), the catalogue, and account changes. The decrypted index lives in
// this module's memory while unlocked and is rebuilt from the encrypted cache after a service
// worker restart; locking drops it.

import { t } from '../i18n';
import { decideAccess } from '@secureaccess/shared/access';
import type { Account, Application } from '@secureaccess/shared/contract';
import { sealAccountSecrets } from '@secureaccess/shared/crypto';
import { normalizeUrl } from '@secureaccess/shared/matcher';
import { describeAccess } from '../access-messages';
import { ExtensionError, type AccessView, type AccountView, type CatalogueFreshness, type SaveAccountRequest } from '../protocol';
import { catalogueItem, vaultCacheItem } from '../storage';
import { rememberPreferences } from './preferences-service';
import { isApiError } from './api-client';
import { encryptLegacyAccounts } from './legacy-upgrade';
import { authed, explained, holder, onLock, requireUserKey } from './session';
import { mergeEncryptedAccounts, PageMatcher, VaultIndex, type VaultItem } from './vault-index';
import { singleFlight } from './token-manager';

let index: VaultIndex | null = null;
let indexUserId: string | null = null;
let matcher: PageMatcher | null = null;
let lastSyncAt: number | null = null;

// Counts locks. Lock zeroes the user key's bytes in place, so a build or a sync that was in flight
// across a lock holds a zeroed key: what it decrypted (or would encrypt) must not be installed.
let lockGeneration = 0;

onLock(() => {
  lockGeneration += 1;
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
  const generation = lockGeneration;
  const cache = await vaultCacheItem.getValue();
  const accounts = cache && cache.userId === current.user.id ? cache.accounts : [];
  const built = await VaultIndex.build(key, accounts);
  if (generation !== lockGeneration) throw lockedMeanwhile();
  index = built;
  indexUserId = current.user.id;
  return index;
}

/** A lock came while this work was in flight: its key is gone, so is its result. */
function lockedMeanwhile(): ExtensionError {
  return new ExtensionError('locked', t('errors.vaultLocked'));
}

/** How long a revalidation before a fill may take before the cached catalogue decides (offline). */
export const revalidateTimeoutMs = 3_000;

/**
 * A conditional GET /applications with the cached catalogue's ETag: 304 (one primary-key read on
 * the server) keeps the cache, 200 replaces it. Throws what the API client throws.
 */
async function fetchCatalogue(signal?: AbortSignal): Promise<void> {
  const cache = await catalogueItem.getValue();
  const etag = cache?.etag ?? null;
  const answer = await authed('applications', 'list', {
    headers: etag && cache ? { 'if-none-match': etag } : {},
    ...(signal ? { signal } : {}),
  });
  const now = Date.now();
  if (answer === undefined && cache) {
    await catalogueItem.setValue({ ...cache, checkedAt: now, offlineSince: null });
    return;
  }
  if (answer === undefined) throw new ExtensionError('bad_response', 'The server answered 304 to an unconditional request.');
  const { applications, revision } = answer;
  await catalogueItem.setValue({ applications, fetchedAt: now, etag: `"catalogue-${revision}"`, checkedAt: now, offlineSince: null });
  matcher = new PageMatcher(applications);
}

const syncCatalogue = () => fetchCatalogue();
/** The admin console's load: the same conditional fetch, without the fill's short timeout (10 000 applications take a while). */
export const refreshCatalogue = syncCatalogue;

const revalidateOnce = singleFlight(async (): Promise<CatalogueFreshness> => {
  try {
    await fetchCatalogue(AbortSignal.timeout(revalidateTimeoutMs));
  } catch (error) {
    // Unreachable, timed out or unavailable (5xx): the cached catalogue decides, and the UI says
    // so. Anything else (a session that ended) is for the caller.
    if (!isApiError(error, 'network_error') && !(isApiError(error) && error.status >= 500)) throw error;
    const cache = await catalogueItem.getValue();
    if (cache && cache.offlineSince == null) await catalogueItem.setValue({ ...cache, offlineSince: Date.now() });
  }
  return catalogueFreshness();
});

/**
 * Before a secret is released (fill, reveal, copy): the catalogue is revalidated so a decline an
 * admin made a moment ago decides this use, not a copy minutes old (DESIGN §8).
 */
export async function revalidateCatalogue(): Promise<CatalogueFreshness> {
  return revalidateOnce();
}

export async function catalogueFreshness(): Promise<CatalogueFreshness> {
  const cache = await catalogueItem.getValue();
  return { offline: cache?.offlineSince != null, checkedAt: cache?.checkedAt ?? cache?.fetchedAt ?? null };
}

async function syncPreferences(): Promise<void> {
  try {
    const { preferences } = await authed('auth', 'getPreferences');
    await rememberPreferences(preferences);
  } catch (error) {
    if (!isApiError(error, 'not_found')) throw error;
  }
}

async function syncAccounts(): Promise<void> {
  const { key, keyVersion, holder: current } = await requireUserKey();
  const generation = lockGeneration;
  const cache = await vaultCacheItem.getValue();
  const sameUser = cache?.userId === current.user.id;
  const since = sameUser ? (cache?.cursor ?? undefined) : undefined;
  const delta = await authed('accounts', 'list', { query: since ? { since } : {} });
  // Merged into the cache as it is now, not as it was before the request: a save made while the
  // request was in flight stays (and a version older than the saved one is ignored).
  const latest = since ? await vaultCacheItem.getValue() : null;
  const merged = since ? mergeEncryptedAccounts(latest?.userId === current.user.id ? latest.accounts : [], delta.accounts, delta.tombstones) : delta.accounts;
  if (generation !== lockGeneration) throw lockedMeanwhile();
  // v1 rows still holding url/folder in clear are re-encrypted now (protocol v1.1).
  const upgraded = await encryptLegacyAccounts(key, keyVersion, merged);
  const accounts = mergeEncryptedAccounts(merged, upgraded, []);
  await vaultCacheItem.setValue({ userId: current.user.id, cursor: delta.cursor, accounts });
  if (generation !== lockGeneration) throw lockedMeanwhile();
  if (index && indexUserId === current.user.id && since) {
    await index.applyChanges([...delta.accounts, ...upgraded], delta.tombstones);
  } else {
    const built = await VaultIndex.build(key, accounts);
    if (generation !== lockGeneration) throw lockedMeanwhile();
    index = built;
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

/** The shared decision for `application` now, with its sentence (null: no application, no policy). */
export function accessOf(application: Application | null): AccessView | null {
  if (!application) return null;
  const decision = decideAccess(application, new Date());
  return { ...decision, message: describeAccess(decision, application.name) };
}

/**
 * Throws access_declined (the contract's code) unless the account's application, in a freshly
 * revalidated catalogue, allows access: what reveal and copy ask before handing out a secret.
 */
export async function assertSecretUsable(item: VaultItem): Promise<void> {
  await revalidateCatalogue();
  const m = await pageMatcher();
  const access = accessOf(m.application(item.applicationId));
  if (access && !access.allowed) throw new ExtensionError('access_declined', access.message, { access });
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
    name: item.title || application?.name || hostOf(item.url) || item.url || t('vault.noSite'),
    title: item.title,
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
  const { holder: current } = await requireUserKey();
  const cache = await vaultCacheItem.getValue();
  const accounts = mergeEncryptedAccounts(cache?.userId === current.user.id ? cache.accounts : [], [account], []);
  await vaultCacheItem.setValue({ userId: current.user.id, cursor: cache?.cursor ?? null, accounts });
  const v = await vault();
  await v.applyChanges([account], []);
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
  // The ETag is dropped: the next revalidation fetches the catalogue with this change in it.
  await catalogueItem.setValue({ applications, fetchedAt: cache?.fetchedAt ?? Date.now(), etag: null, checkedAt: cache?.checkedAt ?? null, offlineSince: null });
  matcher = new PageMatcher(applications);
  return application;
}

function assertCanWrite(role: string): void {
  if (role === 'reader') {
    throw new ExtensionError('forbidden', t('errors.readerCannotEdit'));
  }
}

export async function saveAccount(request: SaveAccountRequest): Promise<AccountView> {
  return explained(async () => {
    const { key, keyVersion, holder: current } = await requireUserKey();
    assertCanWrite(current.user.role);
    if (request.password === '') throw new ExtensionError('invalid', t('errors.passwordEmpty'));
    const url = (request.url ?? '').trim();
    if (url !== '' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
      throw new ExtensionError('invalid', t('errors.websiteInvalid'));
    }
    const v = await vault();
    const existing = request.uuid ? v.get(request.uuid) : undefined;
    if (request.uuid && !existing) throw new ExtensionError('not_found', t('errors.accountGone'));
    const uuid = existing?.uuid ?? crypto.randomUUID();
    const urlChanged = !existing || (existing.url ?? '') !== url;
    const application = url === '' ? null : urlChanged ? await resolveApplication(url) : (await pageMatcher()).application(existing.applicationId);
    const body = {
      applicationId: application?.id ?? existing?.applicationId ?? null,
      ...(await sealAccountSecrets(key, keyVersion, uuid, { ...request, url, folder: request.folder ?? existing?.folder ?? null })),
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

export async function deleteAccount(uuid: string, permanent = false): Promise<void> {
  return explained(async () => {
    const { holder: current } = await requireUserKey();
    assertCanWrite(current.user.role);
    const v = await vault();
    const item = v.get(uuid);
    if (!item) throw new ExtensionError('not_found', t('errors.accountGone'));
    if (permanent) {
      // Only from the trash: a slip of the hand in the list moves to the trash, never further.
      if (!item.deletedAt) throw new ExtensionError('bad-request', t('errors.purgeNotInTrash'));
      await authed('accounts', 'delete', { params: { uuid }, query: { permanent: 'true' } });
      await v.applyChanges([], [{ uuid }]);
    } else {
      await authed('accounts', 'delete', { params: { uuid }, query: {} });
      // The trash keeps it; the next delta brings the server's version (with its new revision).
      v.markTrashed(uuid, new Date().toISOString());
    }
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

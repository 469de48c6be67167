// The decrypted vault, in the background's memory only while unlocked. Built from the encrypted
// accounts of `GET /accounts` and kept current with its deltas (changes + tombstones), and matched
// against pages locally with the shared matcher: the visited URL never goes to the server.

import type { Account, Application } from '@secureaccess/shared/contract';
import { decryptField } from '@secureaccess/shared/crypto';
import { createApplicationIndex, type ApplicationIndex, type ApplicationMatch } from '@secureaccess/shared/matcher';

export interface VaultItem {
  uuid: string;
  applicationId: string | null;
  url: string | null;
  folder: string | null;
  username: string;
  password: string;
  notes: string;
  revision: number;
  createdAt: string;
  updatedAt: string;
  lastAccessedAt: string | null;
  deletedAt: string | null;
  /** Set when a field did not decrypt (tampered or encrypted under another key): never filled. */
  decryptError: string | null;
}

export async function decryptAccount(userKey: Uint8Array, account: Account): Promise<VaultItem> {
  const base = {
    uuid: account.uuid,
    applicationId: account.applicationId,
    url: account.url,
    folder: account.folder,
    revision: account.revision,
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
    lastAccessedAt: account.lastAccessedAt,
    deletedAt: account.deletedAt,
  };
  try {
    const [username, password, notes] = await Promise.all([
      decryptField(userKey, account.uuid, 'username', account.username),
      decryptField(userKey, account.uuid, 'password', account.password),
      account.notes ? decryptField(userKey, account.uuid, 'notes', account.notes) : Promise.resolve(''),
    ]);
    return { ...base, username, password, notes, decryptError: null };
  } catch (error) {
    return {
      ...base,
      username: '',
      password: '',
      notes: '',
      decryptError: error instanceof Error ? error.message : 'cannot decrypt',
    };
  }
}

export class VaultIndex {
  private readonly items = new Map<string, VaultItem>();

  static async build(userKey: Uint8Array, accounts: readonly Account[]): Promise<VaultIndex> {
    const index = new VaultIndex();
    await index.applyChanges(userKey, accounts, []);
    return index;
  }

  /** Applies a delta: changed accounts replace their previous version, tombstoned ones go. */
  async applyChanges(
    userKey: Uint8Array,
    accounts: readonly Account[],
    tombstones: readonly { uuid: string }[],
  ): Promise<void> {
    const decrypted = await Promise.all(accounts.map((account) => decryptAccount(userKey, account)));
    for (const item of decrypted) this.items.set(item.uuid, item);
    for (const tombstone of tombstones) this.items.delete(tombstone.uuid);
  }

  put(item: VaultItem): void {
    this.items.set(item.uuid, item);
  }

  get(uuid: string): VaultItem | undefined {
    return this.items.get(uuid);
  }

  get size(): number {
    return this.items.size;
  }

  /** Accounts not in the trash. */
  active(): VaultItem[] {
    return [...this.items.values()].filter((item) => item.deletedAt === null);
  }

  trash(): VaultItem[] {
    return [...this.items.values()].filter((item) => item.deletedAt !== null);
  }
}

/** Merges a delta into the cached encrypted list (the on-disk cache keeps ciphertext only). */
export function mergeEncryptedAccounts(
  current: readonly Account[],
  changed: readonly Account[],
  tombstones: readonly { uuid: string }[],
): Account[] {
  const byUuid = new Map(current.map((account) => [account.uuid, account]));
  for (const account of changed) byUuid.set(account.uuid, account);
  for (const tombstone of tombstones) byUuid.delete(tombstone.uuid);
  return [...byUuid.values()];
}

// ---- matching ------------------------------------------------------------------------------------

export interface PageAccount {
  item: VaultItem;
  /** The catalogue application the account belongs to, when it matched the page. */
  application: Application | null;
  match: ApplicationMatch<Application> | null;
}

export interface PageMatch {
  applications: ApplicationMatch<Application>[];
  accounts: PageAccount[];
}

interface UrlOnlyApplication {
  id: string;
  url: string;
  isActive: true;
  access: 'granted';
}

/** Local matching of a page against the catalogue and the accounts that have only a URL. */
export class PageMatcher {
  private readonly catalogue: ApplicationIndex<Application>;
  private readonly applicationsById: Map<string, Application>;

  constructor(applications: readonly Application[]) {
    this.catalogue = createApplicationIndex(applications);
    this.applicationsById = new Map(applications.map((application) => [application.id, application]));
  }

  application(id: string | null): Application | null {
    return id === null ? null : (this.applicationsById.get(id) ?? null);
  }

  /** Applications matching `pageUrl`, best first. */
  matchApplications(pageUrl: string): ApplicationMatch<Application>[] {
    return this.catalogue.match(pageUrl);
  }

  /**
   * The page's applications and the vault items that belong to them (in the applications' order,
   * most recently used first within one), then items without an application whose own URL matches
   * the page by registrable domain.
   */
  match(pageUrl: string, items: readonly VaultItem[]): PageMatch {
    const applications = this.catalogue.match(pageUrl);
    const rank = new Map(applications.map((match, position) => [match.application.id, position]));
    const recency = (item: VaultItem) => Date.parse(item.lastAccessedAt ?? item.updatedAt) || 0;

    const linked = items
      .filter((item) => item.applicationId !== null && rank.has(item.applicationId))
      .sort((a, b) => rank.get(a.applicationId!)! - rank.get(b.applicationId!)! || recency(b) - recency(a))
      .map((item) => {
        const match = applications[rank.get(item.applicationId!)!]!;
        return { item, application: match.application, match };
      });

    const unlinked = items.filter(
      (item) => (item.applicationId === null || !this.applicationsById.has(item.applicationId)) && item.url,
    );
    const urlIndex = createApplicationIndex<UrlOnlyApplication>(
      unlinked.map((item) => ({ id: item.uuid, url: item.url!, isActive: true, access: 'granted' })),
    );
    const byUrl = new Set(urlIndex.match(pageUrl).map((match) => match.application.id));
    const urlMatches = unlinked
      .filter((item) => byUrl.has(item.uuid))
      .sort((a, b) => recency(b) - recency(a))
      .map((item) => ({ item, application: null, match: null }));

    return { applications, accounts: [...linked, ...urlMatches] };
  }
}

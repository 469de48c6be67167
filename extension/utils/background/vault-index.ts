// The decrypted vault, in the background's memory only while unlocked. Built from the encrypted
// accounts of `GET /accounts` and kept current with its deltas (changes + tombstones), and matched
// against pages locally with the shared matcher: the visited URL never goes to the server.

import type {
  Account,
  Application,
  FieldDecryptedOnOpen,
  RequiredSecretField,
  SecretField,
} from '@secureaccess/shared/contract';
import { decryptField, fieldsDecryptedOnOpen, importUserKey, type AesKey } from '@secureaccess/shared/crypto';
import { createApplicationIndex, type ApplicationIndex, type ApplicationMatch } from '@secureaccess/shared/matcher';
import { ExtensionError } from '../protocol';

type OpenRequired = FieldDecryptedOnOpen & RequiredSecretField;
type OpenOptional = Exclude<FieldDecryptedOnOpen, RequiredSecretField>;

/**
 * One account as the index holds it: the fields the contract marks `decryptOnOpen` (username,
 * url, folder — what lists, search and local matching need) in clear; the others (password,
 * notes) stay encrypted until `VaultIndex.reveal` is asked for them.
 */
export type VaultItem = {
  uuid: string;
  applicationId: string | null;
  revision: number;
  createdAt: string;
  updatedAt: string;
  lastAccessedAt: string | null;
  deletedAt: string | null;
  /** Set when a field did not decrypt (tampered or encrypted under another key): never filled. */
  decryptError: string | null;
} & { [F in OpenRequired]: string } & { [F in OpenOptional]: string | null };

/** The plaintext a v1 row still carries for a field (protocol v1.1 upgrade pending), if any. */
function legacyValue(account: Account, field: SecretField): string | null {
  const legacy = account.legacyPlaintext as Partial<Record<SecretField, string | null>> | null;
  return legacy?.[field] ?? null;
}

async function openField(key: AesKey, account: Account, field: SecretField): Promise<string | null> {
  const envelope = account[field];
  if (envelope) return decryptField(key, account.uuid, field, envelope);
  return legacyValue(account, field);
}

/** Decrypts what the index needs of one account (one imported key for every field). */
export async function decryptAccount(key: AesKey, account: Account): Promise<VaultItem> {
  const base = {
    uuid: account.uuid,
    applicationId: account.applicationId,
    revision: account.revision,
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
    lastAccessedAt: account.lastAccessedAt,
    deletedAt: account.deletedAt,
  };
  const opened: Record<string, string | null> = {};
  try {
    const texts = await Promise.all(fieldsDecryptedOnOpen.map((field) => openField(key, account, field)));
    fieldsDecryptedOnOpen.forEach((field, i) => (opened[field] = texts[i] ?? null));
    return { ...base, ...opened, username: opened.username ?? '', decryptError: null } as VaultItem;
  } catch (error) {
    for (const field of fieldsDecryptedOnOpen) opened[field] = null;
    return {
      ...base,
      ...opened,
      username: '',
      decryptError: error instanceof Error ? error.message : 'cannot decrypt',
    } as VaultItem;
  }
}

export class VaultIndex {
  private readonly items = new Map<string, VaultItem>();
  /** The encrypted accounts the items came from: `reveal` decrypts the other fields from them. */
  private readonly encrypted = new Map<string, Account>();

  private constructor(private readonly key: CryptoKey) {}

  /** Imports the user key once (a non-extractable CryptoKey) and decrypts what the index needs. */
  static async build(userKey: Uint8Array, accounts: readonly Account[]): Promise<VaultIndex> {
    const index = new VaultIndex(await importUserKey(userKey));
    await index.applyChanges(accounts, []);
    return index;
  }

  /**
   * Applies a delta: changed accounts replace their previous version — unless the index already
   * holds a later revision (a sync answered before a save was applied after it) — and tombstoned
   * ones go.
   */
  async applyChanges(accounts: readonly Account[], tombstones: readonly { uuid: string }[]): Promise<void> {
    const decrypted = await Promise.all(accounts.map((account) => decryptAccount(this.key, account)));
    decrypted.forEach((item, i) => {
      const account = accounts[i]!;
      if (!isNewer(account, this.encrypted.get(item.uuid))) return;
      this.items.set(item.uuid, item);
      this.encrypted.set(item.uuid, account);
    });
    for (const tombstone of tombstones) {
      this.items.delete(tombstone.uuid);
      this.encrypted.delete(tombstone.uuid);
    }
  }

  /** Decrypts one field of an account when it is used (fill, copy, reveal); '' for an empty optional field. */
  async reveal(uuid: string, field: SecretField): Promise<string> {
    const item = this.items.get(uuid);
    const account = this.encrypted.get(uuid);
    if (!item || !account) throw new ExtensionError('not_found', 'This account no longer exists.');
    if (item.decryptError) throw new ExtensionError('crypto', 'This account could not be decrypted.');
    try {
      return (await openField(this.key, account, field)) ?? '';
    } catch {
      throw new ExtensionError('crypto', 'This account could not be decrypted.');
    }
  }

  /** Marks an account as trashed locally until the next delta brings the server's version. */
  markTrashed(uuid: string, at: string): void {
    const item = this.items.get(uuid);
    if (item) this.items.set(uuid, { ...item, deletedAt: at });
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

/**
 * Whether `incoming` may replace `known`: the server raises an account's revision on every change,
 * so an equal or later revision is the same or a newer version, an earlier one is stale.
 */
function isNewer(incoming: Account, known: Account | undefined): boolean {
  return known === undefined || incoming.revision >= known.revision;
}

/**
 * Merges a delta into the cached encrypted list (the on-disk cache keeps ciphertext only); a
 * version older than the cached one is ignored.
 */
export function mergeEncryptedAccounts(
  current: readonly Account[],
  changed: readonly Account[],
  tombstones: readonly { uuid: string }[],
): Account[] {
  const byUuid = new Map(current.map((account) => [account.uuid, account]));
  for (const account of changed) if (isNewer(account, byUuid.get(account.uuid))) byUuid.set(account.uuid, account);
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

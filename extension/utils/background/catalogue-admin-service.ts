// The admin console's catalogue (DESIGN §1, §8): the list an admin curates, adding and editing
// applications, toggles, bulk changes and CSV import. The catalogue is organisation policy in
// clear (DESIGN §5): names, URLs, rules and the reported access values travel as the contract's
// plain fields, nothing here is encrypted and no vault key is used. The server checks the role
// and audits every change; the background checks the role first only to say so plainly.

import type { Application, UpdateApplicationBody } from '@secureaccess/shared/contract';
import type { CatalogueCsvRow } from '@secureaccess/shared/catalogue-csv';
import { t } from '../i18n';
import {
  ExtensionError,
  type CatalogueBulkAction,
  type CatalogueBulkResult,
  type CatalogueDraft,
  type CatalogueImportResult,
  type CatalogueListView,
} from '../protocol';
import { catalogueItem } from '../storage';
import { isApiError } from './api-client';
import { authed, holder, userError } from './session';
import { catalogueFreshness, refreshCatalogue } from './vault-service';

/** Requests in flight at once for bulk changes and imports: quick, without crowding the server. */
const parallelRequests = 4;

async function assertAdmin(): Promise<void> {
  const current = await holder();
  if (current?.user.role !== 'admin') throw new ExtensionError('forbidden', t('catalogue.errors.adminsOnly'));
}

const fieldLabels: Record<string, () => string> = {
  name: () => t('catalogue.fields.name'),
  url: () => t('catalogue.fields.url'),
  matchStrategy: () => t('catalogue.fields.strategy'),
  matchPatterns: () => t('catalogue.fields.patterns'),
  accessGrantedValue: () => t('catalogue.fields.grantedValue'),
  accessDeclinedValue: () => t('catalogue.fields.declinedValue'),
};

/** The API's refusal in the admin's words: which field is wrong and why, or the duplicate URL. */
async function explainCatalogueError(error: unknown): Promise<ExtensionError> {
  if (isApiError(error, 'validation_failed')) {
    const fields = (error.details as { fields?: { path: string; message: string }[] } | undefined)?.fields ?? [];
    const described = fields.map(({ path, message }) => {
      const [field, index] = path.split('.');
      const label = fieldLabels[field ?? '']?.() ?? field ?? '';
      return index === undefined ? `${label}: ${message}` : `${label} ${Number(index) + 1}: ${message}`;
    });
    if (described.length > 0) return new ExtensionError('invalid', t('catalogue.errors.invalid', [described.join('; ')]), error.details);
  }
  if (isApiError(error, 'conflict')) return new ExtensionError('conflict', t('catalogue.errors.duplicateUrl'), error.details);
  if (isApiError(error, 'not_found')) return new ExtensionError('not_found', t('catalogue.errors.gone'));
  return userError(error);
}

async function explainedCatalogue<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw await explainCatalogueError(error);
  }
}

/**
 * Puts the admin's change into the cached catalogue and drops its ETag, so this browser's next
 * revalidation (before any fill) fetches the catalogue with the change in it.
 */
async function rememberChanged(applications: Application[]): Promise<void> {
  if (applications.length === 0) return;
  const cache = await catalogueItem.getValue();
  const byId = new Map((cache?.applications ?? []).map((application) => [application.id, application]));
  for (const application of applications) byId.set(application.id, application);
  await catalogueItem.setValue({
    applications: [...byId.values()],
    fetchedAt: cache?.fetchedAt ?? Date.now(),
    etag: null,
    checkedAt: cache?.checkedAt ?? null,
    offlineSince: cache?.offlineSince ?? null,
  });
}

/** Runs `task` over `items` with at most `parallelRequests` at a time, in order of the results. */
async function mapLimited<I, O>(items: readonly I[], task: (item: I) => Promise<O>): Promise<O[]> {
  const results: O[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const at = next++;
      results[at] = await task(items[at]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallelRequests, items.length) }, worker));
  return results;
}

/** Unreachable or unavailable: the cached catalogue is shown (and said to be), edits will fail. */
const isOffline = (error: unknown) => isApiError(error, 'network_error') || (isApiError(error) && error.status >= 500);

/** The catalogue fetched now (a conditional GET); offline, the cached one, and `freshness` says so. */
async function currentCatalogue(): Promise<{ applications: Application[]; offline: boolean }> {
  let offline = false;
  try {
    await refreshCatalogue();
  } catch (error) {
    if (!isOffline(error)) throw await explainCatalogueError(error);
    offline = true;
  }
  return { applications: (await catalogueItem.getValue())?.applications ?? [], offline };
}

export async function listCatalogue(): Promise<CatalogueListView> {
  await assertAdmin();
  const { applications, offline } = await currentCatalogue();
  const freshness = await catalogueFreshness();
  return { applications, freshness: { ...freshness, offline: offline || freshness.offline } };
}

/** The fields of `wanted` that differ from `current` (what a PATCH must carry). */
function changesFrom(current: Application, wanted: Partial<CatalogueDraft>): UpdateApplicationBody | null {
  const changes: Record<string, unknown> = {};
  for (const key of ['name', 'url', 'matchStrategy', 'matchPatterns', 'isActive', 'access', 'accessGrantedValue', 'accessDeclinedValue'] as const) {
    const value = wanted[key];
    if (value !== undefined && JSON.stringify(value) !== JSON.stringify(current[key])) changes[key] = value;
  }
  return Object.keys(changes).length > 0 ? (changes as UpdateApplicationBody) : null;
}

async function patchApplication(id: string, changes: UpdateApplicationBody): Promise<Application> {
  return (await authed('applications', 'update', { params: { id }, body: changes })).application;
}

/** POST makes it with the organisation's defaults; a PATCH then sets what the admin chose beyond them. */
async function createOne(draft: CatalogueDraft): Promise<Application> {
  const { name, url, matchStrategy, matchPatterns } = draft;
  const { application } = await authed('applications', 'create', { body: { name, url, matchStrategy, matchPatterns } });
  const rest = changesFrom(application, { isActive: draft.isActive, access: draft.access, accessGrantedValue: draft.accessGrantedValue, accessDeclinedValue: draft.accessDeclinedValue });
  return rest ? patchApplication(application.id, rest) : application;
}

export async function createCatalogueApplication(draft: CatalogueDraft): Promise<{ application: Application }> {
  await assertAdmin();
  const application = await explainedCatalogue(() => createOne(draft));
  await rememberChanged([application]);
  return { application };
}

export async function updateCatalogueApplication(id: string, changes: UpdateApplicationBody): Promise<{ application: Application }> {
  await assertAdmin();
  const application = await explainedCatalogue(() => patchApplication(id, changes));
  await rememberChanged([application]);
  return { application };
}

const bulkChanges: Record<CatalogueBulkAction, UpdateApplicationBody> = {
  grant: { access: 'granted' },
  decline: { access: 'declined' },
  deactivate: { isActive: false },
  activate: { isActive: true },
};

/** One PATCH per application (each audited by the server); failures are reported, not fatal. */
export async function bulkUpdateCatalogue(ids: readonly string[], action: CatalogueBulkAction): Promise<CatalogueBulkResult> {
  await assertAdmin();
  const outcomes = await mapLimited(ids, async (id) => {
    try {
      return { ok: true as const, application: await patchApplication(id, bulkChanges[action]) };
    } catch (error) {
      return { ok: false as const, id, message: (await explainCatalogueError(error)).message };
    }
  });
  const updated = outcomes.flatMap((o) => (o.ok ? [o.application] : []));
  await rememberChanged(updated);
  return { updated, failed: outcomes.flatMap((o) => (o.ok ? [] : [{ id: o.id, message: o.message }])) };
}

/**
 * Imports CSV rows (read and checked by the shared reader in the page): a row with the id of an
 * application, or else the URL of one, updates it with what differs; any other row adds one.
 */
export async function importCatalogue(rows: readonly CatalogueCsvRow[]): Promise<CatalogueImportResult> {
  await assertAdmin();
  const { applications: current, offline } = await currentCatalogue();
  if (offline) throw new ExtensionError('server_unreachable', t('catalogue.offline'));
  const byId = new Map(current.map((application) => [application.id, application]));
  const byUrl = new Map(current.map((application) => [application.url, application]));
  const outcomes = await mapLimited(rows, async (row) => {
    const { line, id, ...wanted } = row;
    try {
      const existing = (id !== null ? byId.get(id) : undefined) ?? byUrl.get(row.url);
      if (id !== null && !byId.has(id) && existing === undefined) {
        return { kind: 'failed' as const, line, message: t('catalogue.errors.unknownId', [id]) };
      }
      if (existing) {
        const changes = changesFrom(existing, wanted);
        if (!changes) return { kind: 'unchanged' as const };
        return { kind: 'updated' as const, application: await patchApplication(existing.id, changes) };
      }
      return { kind: 'created' as const, application: await createOne(wanted) };
    } catch (error) {
      return { kind: 'failed' as const, line, message: (await explainCatalogueError(error)).message };
    }
  });
  const changed = outcomes.flatMap((o) => (o.kind === 'created' || o.kind === 'updated' ? [o.application] : []));
  await rememberChanged(changed);
  return {
    created: outcomes.filter((o) => o.kind === 'created').length,
    updated: outcomes.filter((o) => o.kind === 'updated').length,
    unchanged: outcomes.filter((o) => o.kind === 'unchanged').length,
    failed: outcomes.flatMap((o) => (o.kind === 'failed' ? [{ line: o.line, message: o.message }] : [])),
    applications: changed,
  };
}

// People (admin-people): the admin console's users, audit log and organisation settings, and every
// user's own activity. Thin calls to the typed API client; what it adds is the words: the last
// admin's refusal, an unknown email in the user filter, and the acting user's email on each
// entry of the admin log (the API names users by uuid only).

import {
  adminRoutes,
  type AdminAuditQuery,
  type AdminUser,
  type AuditEntry,
  type AuditVerificationResponse,
  type OrganisationSettings,
  type OwnAuditQuery,
  type UpdateUserBody,
} from '@secureaccess/shared/contract';
import { t } from '../i18n';
import { ExtensionError, type AuditEntryView, type AuditFilterView, type AuditPageView } from '../protocol';
import { serverUrlItem } from '../storage';
import { ApiError, isApiError, resolveUrl } from './api-client';
import { authed, tokens, userError } from './session';

/** Users shown per page of the Users section. */
export const peoplePageSize = 25;
/** Audit entries per page of the Audit and Activity sections. */
export const auditPageSize = 50;
/** Pages of users read at most to put emails on one page of the admin log (200 users each). */
const maxUserPagesForEmails = 10;
/** `GET /admin/users?q=` accepts up to this many characters (the contract's listUsersQuerySchema). */
const searchMaxLength = 100;
/** An export can be long: the whole filtered log in one answer. */
const exportTimeoutMs = 120_000; // 2 minutes

async function explain(error: unknown): Promise<ExtensionError> {
  if (isApiError(error, 'last_admin')) return new ExtensionError('last_admin', t('people.users.lastAdmin'));
  return userError(error);
}

async function attempt<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw await explain(error);
  }
}

export function listPeople(q: string | undefined, cursor: string | undefined): Promise<{ users: AdminUser[]; nextCursor: string | null }> {
  const query = q?.trim();
  return attempt(() =>
    authed('admin', 'listUsers', { query: { ...(query ? { q: query } : {}), ...(cursor ? { cursor } : {}), limit: peoplePageSize } }),
  );
}

export function updatePerson(id: string, change: UpdateUserBody): Promise<{ user: AdminUser }> {
  return attempt(() => authed('admin', 'updateUser', { params: { id }, body: change }));
}

export function readOrganisationSettings(): Promise<{ settings: OrganisationSettings }> {
  return attempt(() => authed('admin', 'getSettings'));
}

export function saveOrganisationSettings(settings: OrganisationSettings): Promise<{ settings: OrganisationSettings }> {
  return attempt(() => authed('admin', 'putSettings', { body: settings }));
}

export function verifyAuditLog(): Promise<AuditVerificationResponse> {
  return attempt(() => authed('admin', 'verifyAudit'));
}

/** Users whose email contains `email`, read until the exact one turns up (case-insensitive). */
async function findUserByEmail(email: string): Promise<AdminUser | null> {
  const wanted = email.trim().toLowerCase();
  // The search takes at most 100 characters; the first 100 of a longer email still find it.
  const q = wanted.slice(0, searchMaxLength);
  let cursor: string | undefined;
  for (let page = 0; page < maxUserPagesForEmails; page += 1) {
    const { users, nextCursor } = await authed('admin', 'listUsers', { query: { q, limit: 200, ...(cursor ? { cursor } : {}) } });
    const found = users.find((user) => user.email.toLowerCase() === wanted);
    if (found) return found;
    if (!nextCursor) return null;
    cursor = nextCursor;
  }
  return null;
}

function ownQuery(filter: Omit<AuditFilterView, 'userEmail'>): OwnAuditQuery {
  const query: OwnAuditQuery = {};
  if (filter.action) query.action = filter.action;
  if (filter.targetType) query.targetType = filter.targetType;
  if (filter.targetId?.trim()) query.targetId = filter.targetId.trim();
  if (filter.success !== undefined) query.success = filter.success ? 'true' : 'false';
  if (filter.from) query.from = filter.from;
  if (filter.to) query.to = filter.to;
  return query;
}

/** The API's query for a filter; an email nobody has is said in words instead of matching nothing. */
async function adminQuery(filter: AuditFilterView): Promise<AdminAuditQuery> {
  const query: AdminAuditQuery = ownQuery(filter);
  if (filter.userEmail?.trim()) {
    const user = await findUserByEmail(filter.userEmail);
    if (!user) throw new ExtensionError('unknown_user', t('people.audit.unknownUser', [filter.userEmail.trim()]));
    query.userId = user.id;
  }
  return query;
}

/** The email of each acting user of `entries`, from the user list (a small organisation: one request). */
async function emailsOf(entries: AuditEntry[]): Promise<Map<string, string>> {
  const wanted = new Set(entries.map((entry) => entry.userId).filter((id): id is string => id !== null));
  const emails = new Map<string, string>();
  let cursor: string | undefined;
  for (let page = 0; page < maxUserPagesForEmails && wanted.size > 0; page += 1) {
    const { users, nextCursor } = await authed('admin', 'listUsers', { query: { limit: 200, ...(cursor ? { cursor } : {}) } });
    for (const user of users) {
      if (wanted.delete(user.id)) emails.set(user.id, user.email);
    }
    if (!nextCursor) break;
    cursor = nextCursor;
  }
  return emails;
}

export function listAudit(filter: AuditFilterView, cursor: string | undefined): Promise<AuditPageView> {
  return attempt(async () => {
    const query = await adminQuery(filter);
    const page = await authed('admin', 'audit', { query: { ...query, limit: auditPageSize, ...(cursor ? { cursor } : {}) } });
    const emails = await emailsOf(page.entries);
    const entries: AuditEntryView[] = page.entries.map((entry) => ({ ...entry, userEmail: entry.userId ? (emails.get(entry.userId) ?? null) : null }));
    return { entries, nextCursor: page.nextCursor };
  });
}

export async function listOwnAudit(filter: Omit<AuditFilterView, 'userEmail'>, cursor: string | undefined): Promise<AuditPageView> {
  const page = await attempt(() => authed('audit', 'listOwn', { query: { ...ownQuery(filter), limit: auditPageSize, ...(cursor ? { cursor } : {}) } }));
  return { entries: page.entries.map((entry) => ({ ...entry, userEmail: null })), nextCursor: page.nextCursor };
}

/**
 * `GET /admin/audit` with `Accept: text/csv` (the typed client speaks JSON only): the same route,
 * path and query as the contract's, the same token refresh on a 401, the API's error body on a
 * refusal.
 */
async function fetchAuditCsv(query: AdminAuditQuery): Promise<{ csv: string; filename: string }> {
  const baseUrl = await serverUrlItem.getValue();
  const url = resolveUrl(baseUrl, `/api/v1${adminRoutes.audit.path}`, query as Record<string, unknown>);
  const send = (token: string) =>
    fetch(url, {
      headers: { accept: 'text/csv', authorization: `Bearer ${token}` },
      credentials: 'omit',
      cache: 'no-store',
      signal: AbortSignal.timeout(exportTimeoutMs),
    }).catch((error: unknown) => {
      throw new ApiError(0, 'network_error', t('people.audit.exportUnreachable', [baseUrl]), { cause: String(error) });
    });
  const token = await tokens.getAccessToken();
  let response = await send(token);
  if (response.status === 401) response = await send(await tokens.refreshAfterRejection(token));
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    throw new ApiError(response.status, body?.error?.code ?? 'bad_response', body?.error?.message ?? '');
  }
  if (!(response.headers.get('content-type') ?? '').startsWith('text/csv')) {
    throw new ApiError(response.status, 'bad_response', t('people.audit.exportNotCsv'));
  }
  const disposition = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '');
  return { csv: await response.text(), filename: disposition?.[1] ?? 'audit.csv' };
}

export function exportAudit(filter: AuditFilterView): Promise<{ csv: string; filename: string }> {
  return attempt(async () => fetchAuditCsv(await adminQuery(filter)));
}

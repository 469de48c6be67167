// The application catalogue (DESIGN §7 applications, §8 access): what the extension syncs, the
// server-side match with its access decisions, and the admins' curation of it. Every change is
// audited with its old and new values.
import {
  ErrorCode,
  type Application as ApplicationDto,
  type MatchApplicationsResponse,
  type createApplicationBodySchema,
  type updateApplicationBodySchema,
} from '@secureaccess/shared/contract';
import { matchApplications, normalizeUrl, validateMatchPattern } from '@secureaccess/shared/matcher';
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'sequelize';
import type { z } from 'zod';
import type { Application, Database } from '../../db';
import { AppError } from '../../http/app-error';
import { allocateChangeSeqs, listLiveAccountUuidsByApplication } from '../accounts/account-store';
import { auditSubject, lockActorRow, type RequestActor } from '../accounts/request-actor';
import { readOrganisationSettings } from '../admin/organisation-settings';
import { appendAudit } from '../audit/audit-chain';
import { decideApplicationAccess } from './access-decision';
import {
  bumpCatalogueRevision,
  findApplication,
  findApplicationByUrl,
  findMatchCandidates,
  listApplications,
  listLinkedAccounts,
  lookupColumnsFor,
  readCatalogueRevision,
  toApplication,
} from './application-store';

/** The strong ETag of the catalogue at `revision` (quoted, as HTTP wants it). */
export function catalogueEtag(revision: number): string {
  return `"catalogue-${revision}"`;
}

/** Whether an If-None-Match header names `etag` (a list, weak validators and `*` included, RFC 9110 §13.1.2). */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

type CreateApplicationInput = z.output<typeof createApplicationBodySchema>;
type UpdateApplicationInput = z.output<typeof updateApplicationBodySchema>;
type MatchStrategy = ApplicationDto['matchStrategy'];

export interface ApplicationServiceDeps {
  db: Database;
  clock: () => Date;
}

interface FieldProblem {
  location: 'body' | 'query';
  path: string;
  code: string;
  message: string;
}

function invalid(problems: FieldProblem[]): AppError {
  return new AppError(ErrorCode.validationFailed, 400, 'The request is not valid', { details: { fields: problems } });
}

const isHttpUrl = (url: string) => normalizeUrl(url) !== null && /^https?:\/\//i.test(url.trim());

/**
 * What the contract cannot check: catalogue URLs are http(s) only (app schemes cannot be matched
 * against a page), regexes must compile on RE2 and run in linear time (validateMatchPattern), and
 * extra URLs of the other strategies are http(s) URLs too.
 */
function assertValidMatchRules(url: string, strategy: MatchStrategy, patterns: readonly string[]): void {
  const problems: FieldProblem[] = [];
  if (!isHttpUrl(url)) problems.push({ location: 'body', path: 'url', code: 'invalid_url', message: 'Must be an http(s) URL' });
  if (strategy === 'regex' && patterns.length === 0) {
    problems.push({
      location: 'body',
      path: 'matchPatterns',
      code: 'too_small',
      message: 'The regex strategy needs at least one pattern',
    });
  }
  patterns.forEach((pattern, index) => {
    if (strategy === 'regex') {
      const check = validateMatchPattern(pattern);
      if (!check.valid) problems.push({ location: 'body', path: `matchPatterns.${index}`, code: 'invalid_pattern', message: check.reason });
    } else if (!isHttpUrl(pattern)) {
      problems.push({ location: 'body', path: `matchPatterns.${index}`, code: 'invalid_url', message: 'Must be an http(s) URL' });
    }
  });
  if (problems.length > 0) throw invalid(problems);
}

/** The audited view of an application: everything an admin can edit, nothing else. */
function editableFields(row: Application) {
  const { id: _id, createdAt: _createdAt, updatedAt: _updatedAt, ...editable } = toApplication(row);
  return editable;
}
type EditableFields = ReturnType<typeof editableFields>;

function changedFields(before: EditableFields, after: EditableFields) {
  const old: Record<string, unknown> = {};
  const next: Record<string, unknown> = {};
  for (const key of Object.keys(before) as (keyof EditableFields)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      old[key] = before[key];
      next[key] = after[key];
    }
  }
  return { old, new: next };
}

export function createApplicationService({ db, clock }: ApplicationServiceDeps) {
  const { Application: Applications, StoredAccount } = db.models;

  async function findOr404(uuid: string, transaction: Transaction): Promise<Application> {
    const row = await findApplication(db, uuid, { transaction, lock: true });
    if (!row) throw AppError.notFound('No such application');
    return row;
  }

  return {
    /**
     * The catalogue the extension syncs and matches against locally, inactive applications
     * included (flagged): an account whose application were missing from it would look unlinked
     * to the extension and be offered by its own URL, while the inactive entry lets it refuse
     * and say why (DESIGN §8). The catalogue is organisation policy, not a secret.
     */
    async list(ifNoneMatch?: string): Promise<{ etag: string; revision: number; applications: ApplicationDto[] | null }> {
      // The revision is read first: the list that follows is at least that new, so a client can
      // never keep an older catalogue under a newer ETag.
      const revision = await readCatalogueRevision(db);
      const etag = catalogueEtag(revision);
      if (matchesIfNoneMatch(ifNoneMatch, etag)) return { etag, revision, applications: null };
      const rows = await listApplications(db);
      return { etag, revision, applications: rows.map(toApplication) };
    },

    /**
     * Ranks the applications matching `url` with the shared matcher and decides access for each.
     * Inactive and declined matches are reported (the extension says why it does not fill) but
     * carry no accounts. The decisions are audited in one row.
     */
    async match(actor: RequestActor, url: string): Promise<MatchApplicationsResponse> {
      const page = normalizeUrl(url);
      if (page === null) {
        throw invalid([{ location: 'body', path: 'url', code: 'invalid_url', message: 'Must be an http(s) URL' }]);
      }
      const candidates = await findMatchCandidates(db, page);
      const matches = matchApplications(url, candidates);
      const now = clock();
      const decisions = matches.map((match) => decideApplicationAccess(match.application, now));
      const allowedIds = matches.filter((_, i) => decisions[i]!.allowed).map((m) => Number(m.application.id));
      const accounts = await listLiveAccountUuidsByApplication(db, actor.principal.userId, allowedIds);

      if (matches.length > 0) {
        await db.transaction(async (transaction) => {
          await lockActorRow(db, actor, transaction);
          await appendAudit(
            db,
            {
              ...auditSubject(actor),
              action: 'application.match',
              targetType: 'application',
              targetId: decisions[0]!.applicationId,
              success: decisions[0]!.allowed,
              // The host only: the full page URL may carry tokens in its path or query.
              details: { host: page.hostname, decisions },
            },
            { transaction, clock },
          );
        });
      }
      return {
        matches: matches.map((match, i) => ({
          application: toApplication(match.application),
          strategy: match.strategy,
          insecure: match.insecure,
          access: decisions[i]!,
          accountUuids: decisions[i]!.allowed ? (accounts.get(Number(match.application.id)) ?? []) : [],
        })),
      };
    },

    /** Editors add the site they are saving a login for; it starts with the organisation's default access. */
    async create(actor: RequestActor, body: CreateApplicationInput): Promise<ApplicationDto> {
      const matchStrategy = body.matchStrategy ?? 'base_domain';
      const matchPatterns = body.matchPatterns ?? [];
      assertValidMatchRules(body.url, matchStrategy, matchPatterns);
      const now = clock();
      return db.transaction(async (transaction) => {
        await lockActorRow(db, actor, transaction);
        const duplicate = await findApplicationByUrl(db, body.url, transaction);
        if (duplicate) {
          throw new AppError(ErrorCode.conflict, 409, 'An application with this URL exists', {
            details: { applicationId: duplicate.uuid },
          });
        }
        const { defaultApplicationAccess } = await readOrganisationSettings(db, transaction);
        const row = await Applications.create(
          {
            uuid: randomUUID(),
            name: body.name,
            url: body.url,
            ...lookupColumnsFor(body.url),
            matchStrategy,
            matchPatterns: matchPatterns.length > 0 ? matchPatterns : null,
            isActive: true,
            access: defaultApplicationAccess,
            createdBy: actor.principal.userId,
            createdAt: now,
            updatedAt: now,
          },
          { transaction, silent: true },
        );
        await appendAudit(
          db,
          {
            ...auditSubject(actor),
            action: 'application.create',
            targetType: 'application',
            targetId: row.uuid,
            success: true,
            details: { new: editableFields(row) },
          },
          { transaction, clock },
        );
        await bumpCatalogueRevision(db, { transaction, now, updatedBy: actor.principal.userId });
        return toApplication(row);
      });
    },

    async update(actor: RequestActor, uuid: string, body: UpdateApplicationInput): Promise<ApplicationDto> {
      const now = clock();
      return db.transaction(async (transaction) => {
        await lockActorRow(db, actor, transaction);
        const row = await findOr404(uuid, transaction);
        const before = editableFields(row);
        const after: EditableFields = {
          name: body.name ?? before.name,
          url: body.url ?? before.url,
          matchStrategy: body.matchStrategy ?? before.matchStrategy,
          matchPatterns: body.matchPatterns ?? before.matchPatterns,
          isActive: body.isActive ?? before.isActive,
          access: body.access ?? before.access,
          accessGrantedValue: body.accessGrantedValue ?? before.accessGrantedValue,
          accessDeclinedValue: body.accessDeclinedValue ?? before.accessDeclinedValue,
        };
        // The combination is checked, so switching to `regex` with the old URL patterns is refused.
        assertValidMatchRules(after.url, after.matchStrategy, after.matchPatterns);
        const changes = changedFields(before, after);
        if (Object.keys(changes.new).length === 0) return toApplication(row);
        await Applications.update(
          {
            ...after,
            ...lookupColumnsFor(after.url),
            matchPatterns: after.matchPatterns.length > 0 ? after.matchPatterns : null,
            updatedAt: now,
          },
          { where: { id: row.id }, transaction, silent: true },
        );
        await appendAudit(
          db,
          {
            ...auditSubject(actor),
            action: 'application.update',
            targetType: 'application',
            targetId: uuid,
            success: true,
            details: changes,
          },
          { transaction, clock },
        );
        await bumpCatalogueRevision(db, { transaction, now, updatedBy: actor.principal.userId });
        return toApplication((await Applications.findByPk(row.id, { transaction }))!);
      });
    },

    /**
     * Refused while accounts link to the application, unless `force`: then every linked account
     * (any user's, trash included) loses its link as a vault change of its owner — new revision
     * and change sequence, so every device learns it through delta sync.
     */
    async remove(actor: RequestActor, uuid: string, force: boolean): Promise<void> {
      const now = clock();
      await db.transaction(async (transaction) => {
        await lockActorRow(db, actor, transaction);
        // Not locked here: the vaults are locked first (below), the application row last by the
        // DELETE, the same order as an account insert that links to it.
        const row = await findApplication(db, uuid, { transaction, lock: false });
        if (!row) throw AppError.notFound('No such application');
        const linked = await listLinkedAccounts(db, Number(row.id), transaction);
        if (linked.length > 0 && !force) {
          throw new AppError(ErrorCode.conflict, 409, `${linked.length} account(s) use this application; delete with force=true to detach them`, {
            details: { accounts: linked.length },
          });
        }
        const byUser = new Map<number, typeof linked>();
        for (const account of linked) {
          const userId = Number(account.userId);
          byUser.set(userId, [...(byUser.get(userId) ?? []), account]);
        }
        // Users in id order: two detaching deletes lock the same vaults in the same order.
        for (const [userId, accounts] of [...byUser].sort(([a], [b]) => a - b)) {
          const first = await allocateChangeSeqs(db, userId, accounts.length, transaction);
          for (const [index, account] of accounts.entries()) {
            await StoredAccount.update(
              { applicationId: null, revision: Number(account.revision) + 1, changeSeq: first + index, updatedAt: now },
              { where: { id: account.id }, transaction, silent: true },
            );
          }
        }
        await Applications.destroy({ where: { id: row.id }, transaction });
        await appendAudit(
          db,
          {
            ...auditSubject(actor),
            action: 'application.delete',
            targetType: 'application',
            targetId: uuid,
            success: true,
            details: { old: editableFields(row), detachedAccounts: linked.length },
          },
          { transaction, clock },
        );
        await bumpCatalogueRevision(db, { transaction, now, updatedBy: actor.principal.userId });
      });
    },
  };
}

export type ApplicationService = ReturnType<typeof createApplicationService>;

// Data access for the application catalogue.
import type { Application as ApplicationDto } from '@secureaccess/shared/contract';
import { normalizeUrl } from '@secureaccess/shared/matcher';
import { Op, type Transaction, type WhereOptions } from 'sequelize';
import type { Application, Database } from '../../db';

export function toApplication(row: Application): ApplicationDto {
  return {
    id: row.uuid,
    name: row.name,
    url: row.url,
    matchStrategy: row.matchStrategy,
    matchPatterns: row.matchPatterns ?? [],
    isActive: Boolean(row.isActive),
    access: row.access,
    accessGrantedValue: row.accessGrantedValue,
    accessDeclinedValue: row.accessDeclinedValue,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The indexed lookup columns, derived from the URL whenever it is saved. */
export function lookupColumnsFor(url: string): { host: string | null; baseDomain: string | null } {
  const normalized = normalizeUrl(url);
  return { host: normalized?.hostname ?? null, baseDomain: normalized?.registrableDomain ?? null };
}

export function listApplications(db: Database): Promise<Application[]> {
  return db.models.Application.findAll({
    order: [
      ['name', 'ASC'],
      ['id', 'ASC'],
    ],
  });
}

/**
 * Applications that can match a page, found through the indexed host / base_domain columns;
 * applications with extra patterns or regexes cannot be keyed and are always candidates.
 * The shared matcher makes the actual decision over these.
 */
export function findMatchCandidates(db: Database, page: { hostname: string; registrableDomain: string | null }) {
  const keyed: WhereOptions<Application>[] = [{ host: page.hostname }];
  if (page.registrableDomain !== null) keyed.push({ baseDomain: page.registrableDomain });
  return db.models.Application.findAll({
    where: { [Op.or]: [...keyed, { matchStrategy: 'regex' }, { matchPatterns: { [Op.ne]: null } }] },
    order: [['id', 'ASC']],
  });
}

export function findApplication(
  db: Database,
  uuid: string,
  options: { transaction: Transaction; lock: boolean },
): Promise<Application | null> {
  const { transaction, lock } = options;
  return db.models.Application.findOne({ where: { uuid }, transaction, ...(lock ? { lock: transaction.LOCK.UPDATE } : {}) });
}

/** Through the host index: the url column itself is too long to index on MySQL. */
export function findApplicationByUrl(db: Database, url: string, transaction: Transaction): Promise<Application | null> {
  return db.models.Application.findOne({ where: { host: lookupColumnsFor(url).host, url }, transaction });
}

/** Accounts of every user linked to the application, trash included. */
export function listLinkedAccounts(db: Database, applicationId: number, transaction: Transaction) {
  return db.models.StoredAccount.findAll({
    where: { applicationId },
    attributes: ['id', 'userId', 'uuid', 'revision'],
    order: [['userId', 'ASC'], ['id', 'ASC']],
    transaction,
  });
}

/** settings.name of the catalogue revision (seeded by its migration). */
const catalogueRevisionName = 'catalogue_revision';

/** The catalogue's revision: one primary-key read, what the ETag of `GET /applications` is made of. */
export async function readCatalogueRevision(db: Database, transaction?: Transaction): Promise<number> {
  const row = await db.models.Setting.findByPk(catalogueRevisionName, transaction ? { transaction } : {});
  const value = Number(row?.value);
  return Number.isSafeInteger(value) ? value : 0;
}

/**
 * Every change to the catalogue calls this last in its transaction: the revision moves with the
 * change, atomically, so a client holding the old ETag gets the new catalogue from any process.
 * (Last, so that every catalogue transaction takes this row lock after its others: no cycle.)
 */
export async function bumpCatalogueRevision(db: Database, options: { transaction: Transaction; now: Date; updatedBy: number }): Promise<void> {
  const { transaction, now, updatedBy } = options;
  const row = await db.models.Setting.findByPk(catalogueRevisionName, { transaction, lock: transaction.LOCK.UPDATE });
  const next = (Number.isSafeInteger(Number(row?.value)) ? Number(row!.value) : 0) + 1;
  if (row) {
    await db.models.Setting.update({ value: next, updatedBy, updatedAt: now }, { where: { name: catalogueRevisionName }, transaction, silent: true });
  } else {
    await db.models.Setting.create({ name: catalogueRevisionName, value: next, updatedBy, updatedAt: now }, { transaction, silent: true });
  }
}

// HTTP adapter of the admin API (DESIGN §7 admin): contract validation, auth and the admin role via
// mountRoute; the admin service and the audit-log reader do the work.
import { adminRoutes, auditRoutes } from '@secureaccess/shared/contract';
import type { Response } from 'express';
import { mountRoute, type ApiRouter } from '../../http/route';
import { actorOf } from '../accounts/request-actor';
import type { AppContext, Component } from '../types';
import { createAdminService } from './admin-service';
import { auditCsvHeader, auditCsvRow, readAuditEntries, readAuditPage, type AuditFilter } from './audit-log-query';

/**
 * `Accept: text/csv` exports every entry matching the filters (from `cursor` on, no page limit),
 * streamed in batches; the columns are the contract's audit entry fields.
 */
async function streamAuditCsv(res: Response, entries: AsyncIterable<Parameters<typeof auditCsvRow>[0]>, now: Date) {
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="audit-${now.toISOString().slice(0, 10)}.csv"`);
  res.write(auditCsvHeader);
  for await (const entry of entries) {
    if (!res.write(auditCsvRow(entry))) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
}

function registerRoutes(router: ApiRouter, { db, clock }: AppContext): void {
  const admin = createAdminService({ db, clock });

  mountRoute(router, adminRoutes.listUsers, async ({ query }) => ({
    status: 200,
    body: await admin.listUsers(query),
  }));

  mountRoute(router, adminRoutes.updateUser, async ({ params, body }, ctx) => ({
    status: 200,
    body: { user: await admin.updateUser(actorOf(ctx), params.id, body) },
  }));

  mountRoute(router, adminRoutes.audit, async ({ query }, ctx) => {
    const { cursor, limit, userId, ...rest } = query;
    const filter: AuditFilter = { ...rest, userUuid: userId };
    if (ctx.req.accepts(['application/json', 'text/csv']) === 'text/csv') {
      await streamAuditCsv(ctx.res, readAuditEntries(db, filter, cursor), ctx.now);
      return { status: 200, body: { entries: [], nextCursor: null } }; // already answered
    }
    return { status: 200, body: await readAuditPage(db, filter, { cursor, limit }) };
  });

  mountRoute(router, adminRoutes.verifyAudit, async () => ({ status: 200, body: await admin.verifyAudit() }));

  // The caller's own slice of the same log (DESIGN §7 `GET /audit`): what they did, any role.
  mountRoute(router, auditRoutes.listOwn, async ({ query }, ctx) => {
    const { cursor, limit, ...filter } = query;
    return {
      status: 200,
      body: await readAuditPage(db, { ...filter, userUuid: ctx.principal.userUuid }, { cursor, limit }),
    };
  });

  mountRoute(router, adminRoutes.getSettings, async () => ({
    status: 200,
    body: { settings: await admin.getSettings() },
  }));

  mountRoute(router, adminRoutes.putSettings, async ({ body }, ctx) => ({
    status: 200,
    body: { settings: await admin.putSettings(actorOf(ctx), body) },
  }));
}

export const adminComponent: Component = { name: 'admin', registerRoutes };

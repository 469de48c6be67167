// HTTP adapter of the application catalogue (DESIGN §7 applications): contract validation, auth
// and roles via mountRoute; the application service does the work.
import { applicationRoutes } from '@secureaccess/shared/contract';
import { mountRoute, type ApiRouter } from '../../http/route';
import { actorOf } from '../accounts/request-actor';
import type { AppContext, Component } from '../types';
import { createApplicationService } from './application-service';

function registerRoutes(router: ApiRouter, { db, clock }: AppContext): void {
  const applications = createApplicationService({ db, clock });

  mountRoute(router, applicationRoutes.list, async ({ headers }) => {
    const { etag, revision, applications: list } = await applications.list(headers['if-none-match']);
    // no-cache: a cache may keep it but must revalidate (cheaply, with the ETag) before each use.
    const cacheHeaders = { ETag: etag, 'Cache-Control': 'private, no-cache' };
    if (list === null) return { status: 304, headers: cacheHeaders };
    return { status: 200, headers: cacheHeaders, body: { applications: list, revision } };
  });

  mountRoute(router, applicationRoutes.match, async ({ body }, ctx) => ({
    status: 200,
    body: await applications.match(actorOf(ctx), body.url),
  }));

  mountRoute(router, applicationRoutes.create, async ({ body }, ctx) => ({
    status: 201,
    body: { application: await applications.create(actorOf(ctx), body) },
  }));

  mountRoute(router, applicationRoutes.update, async ({ params, body }, ctx) => ({
    status: 200,
    body: { application: await applications.update(actorOf(ctx), params.id, body) },
  }));

  mountRoute(router, applicationRoutes.delete, async ({ params, query }, ctx) => {
    await applications.remove(actorOf(ctx), params.id, query.force === 'true');
    return { status: 204 };
  });
}

export const applicationsComponent: Component = { name: 'applications', registerRoutes };

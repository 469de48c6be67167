// HTTP adapter of the application catalogue (DESIGN §7 applications): contract validation, auth
// and roles via mountRoute; the application service does the work.
import { applicationRoutes } from '@secureaccess/shared/contract';
import { mountRoute, type ApiRouter } from '../../http/route';
import { actorOf } from '../accounts/request-actor';
import type { AppContext, Component } from '../types';
import { createApplicationService } from './application-service';

function registerRoutes(router: ApiRouter, { db, clock }: AppContext): void {
  const applications = createApplicationService({ db, clock });

  mountRoute(router, applicationRoutes.list, async () => ({
    status: 200,
    body: { applications: await applications.list() },
  }));

  mountRoute(router, applicationRoutes.match, async ({ query }, ctx) => ({
    status: 200,
    body: await applications.match(actorOf(ctx), query.url),
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

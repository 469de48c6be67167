// HTTP adapter of the sessions component.
import { routesByComponent } from '@secureaccess/shared/contract';
import { mountRoute, type ApiRouter } from '../../http/route';
import { metaOf } from '../auth/routes';
import type { AppContext, Component } from '../types';
import { listSessions, revokeSessionByUuid, sessionPolicy } from './session-service';

const routes = routesByComponent.sessions;

function registerRoutes(router: ApiRouter, { db, config }: AppContext): void {
  const policy = sessionPolicy(config);
  mountRoute(router, routes.list, async (_input, ctx) => ({
    status: 200,
    body: { sessions: await listSessions(db, policy, ctx.principal, ctx.now) },
  }));
  mountRoute(router, routes.revoke, async ({ params }, ctx) => {
    await revokeSessionByUuid(db, policy, ctx.principal, params.id, metaOf(ctx));
    return { status: 204 };
  });
}

export const sessionsComponent: Component = { name: 'sessions', registerRoutes };

// HTTP adapter of the MFA component.
import { routesByComponent } from '@secureaccess/shared/contract';
import { mountRoute, type ApiRouter } from '../../http/route';
import { metaOf } from '../auth/routes';
import type { AppContext, Component } from '../types';
import { disableTotp, enableTotp, regenerateBackupCodes, startTotpSetup } from './mfa-service';

const routes = routesByComponent.mfa;

function registerRoutes(router: ApiRouter, deps: AppContext): void {
  mountRoute(router, routes.totpSetup, async (_input, ctx) => ({
    status: 200,
    body: await startTotpSetup(deps, ctx.principal, metaOf(ctx)),
  }));
  mountRoute(router, routes.totpEnable, async ({ body }, ctx) => ({
    status: 200,
    body: await enableTotp(deps, ctx.principal, body.code, metaOf(ctx)),
  }));
  mountRoute(router, routes.totpDisable, async ({ body }, ctx) => {
    await disableTotp(deps, ctx.principal, body.code, metaOf(ctx));
    return { status: 204 };
  });
  mountRoute(router, routes.regenerateBackupCodes, async ({ body }, ctx) => ({
    status: 200,
    body: await regenerateBackupCodes(deps, ctx.principal, body.code, metaOf(ctx)),
  }));
}

export const mfaComponent: Component = { name: 'mfa', registerRoutes };

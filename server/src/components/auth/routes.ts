// HTTP adapter of the auth component: each handler turns the request into a service call.
import { routesByComponent } from '@secureaccess/shared/contract';
import { mountRoute, type ApiRouter, type RouteContext } from '../../http/route';
import type { AppContext, Component } from '../types';
import { login, logout, logoutAll, prelogin, register } from './auth-service';
import { createAuthenticator } from './authenticator';
import type { RequestMeta } from './context';
import { changePassword, regenerateRecoveryCode, releaseRecoveryKey, resetWithRecoveryCode } from './password-service';
import { getPreferences, getProfile, putPreferences, updateProfile } from './profile-service';
import { rotateRefreshToken } from './token-service';

const routes = routesByComponent.auth;

/** What the services may know about the request. */
export function metaOf(context: Pick<RouteContext<never>, 'ip' | 'userAgent' | 'now'>): RequestMeta {
  return { ip: context.ip, userAgent: context.userAgent, now: context.now };
}

function registerRoutes(router: ApiRouter, deps: AppContext): void {
  mountRoute(router, routes.prelogin, async ({ body }, ctx) => ({
    status: 200,
    body: await prelogin(deps, body.email, metaOf(ctx)),
  }));
  mountRoute(router, routes.register, async ({ body }, ctx) => ({
    status: 201,
    body: { user: await register(deps, body, metaOf(ctx)) },
  }));
  mountRoute(router, routes.login, async ({ body }, ctx) => ({ status: 200, body: await login(deps, body, metaOf(ctx)) }));
  mountRoute(router, routes.refresh, async ({ body }, ctx) => ({
    status: 200,
    body: await rotateRefreshToken(deps, body.refreshToken, metaOf(ctx)),
  }));
  mountRoute(router, routes.logout, async ({ body }, ctx) => {
    await logout(deps, ctx.principal, body.refreshToken, metaOf(ctx));
    return { status: 204 };
  });
  mountRoute(router, routes.logoutAll, async (_input, ctx) => {
    await logoutAll(deps, ctx.principal, metaOf(ctx));
    return { status: 204 };
  });
  mountRoute(router, routes.changePassword, async ({ body }, ctx) => {
    await changePassword(deps, ctx.principal, body, metaOf(ctx));
    return { status: 204 };
  });
  mountRoute(router, routes.recoveryKey, async ({ body }, ctx) => ({
    status: 200,
    body: await releaseRecoveryKey(deps, body, metaOf(ctx)),
  }));
  mountRoute(router, routes.recoveryReset, async ({ body }, ctx) => {
    await resetWithRecoveryCode(deps, body, metaOf(ctx));
    return { status: 204 };
  });
  mountRoute(router, routes.recoveryRegenerate, async ({ body }, ctx) => {
    await regenerateRecoveryCode(deps, ctx.principal, body, metaOf(ctx));
    return { status: 204 };
  });
  mountRoute(router, routes.getMe, async (_input, ctx) => ({ status: 200, body: { user: getProfile(ctx.principal) } }));
  mountRoute(router, routes.updateMe, async ({ body }, ctx) => ({
    status: 200,
    body: { user: await updateProfile(deps.db, ctx.principal, body, metaOf(ctx)) },
  }));
  mountRoute(router, routes.getPreferences, async (_input, ctx) => ({
    status: 200,
    body: { preferences: await getPreferences(deps.db, ctx.principal) },
  }));
  mountRoute(router, routes.putPreferences, async ({ body }, ctx) => ({
    status: 200,
    body: { preferences: await putPreferences(deps.db, ctx.principal, body) },
  }));
}

export const authComponent: Component = { name: 'auth', createAuthenticator, registerRoutes };

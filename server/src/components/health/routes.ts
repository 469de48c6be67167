import { healthRoutes } from '@secureaccess/shared/contract';
import { mountRoute, type ApiRouter } from '../../http/route';
import type { AppContext, Component } from '../types';

function registerRoutes(router: ApiRouter, { db }: AppContext): void {
  mountRoute(router, healthRoutes.healthz, () => ({ status: 200, body: { status: 'ok' } }));

  // Recovers by itself: every probe pings again, and the pool replaces broken connections.
  mountRoute(router, healthRoutes.readyz, async (_input, { log }) => {
    try {
      await db.ping();
      return { status: 200, body: { status: 'ready', database: 'up' } };
    } catch (error) {
      log.warn({ errorMessage: (error as Error).message }, 'readiness: database unavailable');
      return { status: 503, body: { status: 'unavailable', database: 'down' } };
    }
  });
}

export const healthComponent: Component = { name: 'health', registerRoutes };

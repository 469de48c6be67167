// HTTP adapter of the vault (DESIGN §7 accounts): validation, auth and roles come from the
// contract via mountRoute; each handler hands the caller and the input to the account service.
import { accountRoutes, formatRevisionEtag } from '@secureaccess/shared/contract';
import { mountRoute, type ApiRouter } from '../../http/route';
import type { AppContext, Component } from '../types';
import { createAccountService } from './account-service';
import { actorOf } from './request-actor';

const etag = (revision: number) => ({ ETag: formatRevisionEtag(revision) });

function registerRoutes(router: ApiRouter, { db, clock }: AppContext): void {
  const accounts = createAccountService({ db, clock });

  mountRoute(router, accountRoutes.list, async ({ query }, ctx) => ({
    status: 200,
    body: await accounts.list(actorOf(ctx), query.since, ctx.principal.vaultChangeSeq),
  }));

  mountRoute(router, accountRoutes.create, async ({ body }, ctx) => {
    const account = await accounts.create(actorOf(ctx), body);
    return { status: 201, body: { account }, headers: etag(account.revision) };
  });

  mountRoute(router, accountRoutes.bulkCreate, async ({ body }, ctx) => ({
    status: 201,
    body: { accounts: await accounts.bulkCreate(actorOf(ctx), body.accounts) },
  }));

  mountRoute(router, accountRoutes.encryptLegacy, async ({ body }, ctx) => ({
    status: 200,
    body: await accounts.encryptLegacy(actorOf(ctx), body.accounts),
  }));

  mountRoute(router, accountRoutes.get, async ({ params }, ctx) => {
    const released = await accounts.release(actorOf(ctx), params.uuid);
    return { status: 200, body: released, headers: etag(released.account.revision) };
  });

  mountRoute(router, accountRoutes.update, async ({ params, headers, body }, ctx) => {
    const account = await accounts.update(actorOf(ctx), params.uuid, headers['if-match'], body);
    return { status: 200, body: { account }, headers: etag(account.revision) };
  });

  mountRoute(router, accountRoutes.delete, async ({ params, query }, ctx) => {
    await accounts.remove(actorOf(ctx), params.uuid, query.permanent === 'true');
    return { status: 204 };
  });

  mountRoute(router, accountRoutes.restore, async ({ params }, ctx) => {
    const account = await accounts.restore(actorOf(ctx), params.uuid);
    return { status: 200, body: { account }, headers: etag(account.revision) };
  });

  mountRoute(router, accountRoutes.markUsed, async ({ params }, ctx) => ({
    status: 200,
    body: await accounts.markUsed(actorOf(ctx), params.uuid),
  }));
}

export const accountsComponent: Component = { name: 'accounts', registerRoutes };

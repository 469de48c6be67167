// Who is acting, as the services need it: the principal for scoping and roles, the request's
// address and agent for the audit rows. Built from a route's context so `req` never reaches a service.
import type { Transaction } from 'sequelize';
import type { Database } from '../../db';
import type { Principal } from '../../http/route';
import type { AuditEntry } from '../audit/audit-chain';
import { lockUserRow } from '../auth/transactions';

export interface RequestActor {
  principal: Principal;
  ip: string | null;
  userAgent: string | null;
}

export function actorOf(context: { principal: Principal; ip: string | null; userAgent: string | null }): RequestActor {
  return { principal: context.principal, ip: context.ip, userAgent: context.userAgent };
}

/** The audit fields that say who did something and from where. */
export function auditSubject(actor: RequestActor): Pick<AuditEntry, 'userId' | 'userUuid' | 'jwtTokenId' | 'ip' | 'userAgent'> {
  return {
    userId: actor.principal.userId,
    userUuid: actor.principal.userUuid,
    jwtTokenId: actor.principal.tokenId,
    ip: actor.ip,
    userAgent: actor.userAgent,
  };
}

/**
 * Takes the actor's user row lock. Every transaction here that writes an audit row takes it first,
 * before any account, application or settings row and before the audit chain head: the audit row
 * references the actor's user row, and a login holds that row while it waits for the chain head
 * (the auth component's rule, see lockUserRow), so taking them in the other order can deadlock.
 */
export function lockActorRow(db: Database, actor: RequestActor, transaction: Transaction): Promise<void> {
  return lockUserRow(db, actor.principal.userId, transaction);
}

// Who is acting, as the services need it: the principal for scoping and roles, the request's
// address and agent for the audit rows. Built from a route's context so `req` never reaches a service.
import type { Principal } from '../../http/route';
import type { AuditEntry } from '../audit/audit-chain';

export interface RequestActor {
  principal: Principal;
  ip: string | null;
  userAgent: string | null;
}

export function actorOf(context: { principal: Principal; ip: string | null; userAgent: string | null }): RequestActor {
  return { principal: context.principal, ip: context.ip, userAgent: context.userAgent };
}

/** The audit fields that say who did something and from where. */
export function auditSubject(actor: RequestActor): Pick<AuditEntry, 'userId' | 'userUuid' | 'ip' | 'userAgent'> {
  return {
    userId: actor.principal.userId,
    userUuid: actor.principal.userUuid,
    ip: actor.ip,
    userAgent: actor.userAgent,
  };
}

// What the auth, sessions and MFA services need from the app, and what they know about the
// request (never req/res themselves).
import type { AuditEntry } from '../audit/audit-chain';
import type { AppContext } from '../types';

export type AuthDeps = Pick<AppContext, 'db' | 'config' | 'secrets' | 'clock'>;

/** The caller as the audit log and the session list record it. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  /** The injected clock's time when the request arrived. */
  now: Date;
}

/** `clock` for appendAudit: the request's time, so every row of one request carries the same instant. */
export function clockOf(meta: RequestMeta): () => Date {
  return () => meta.now;
}

export function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}

export const secondsPerDay = 24 * 60 * 60;

/** The audit entry of an event about one user's own account, as the request made it. */
export function userAuditEntry(
  user: { id: number; uuid: string },
  action: string,
  meta: RequestMeta,
  extra: { details?: Record<string, unknown> | null; jwtTokenId?: number | null; success?: boolean } = {},
): AuditEntry {
  return {
    action,
    success: extra.success ?? true,
    userId: user.id,
    userUuid: user.uuid,
    jwtTokenId: extra.jwtTokenId ?? null,
    targetType: 'user',
    targetId: user.uuid,
    ip: meta.ip,
    userAgent: meta.userAgent,
    details: extra.details ?? null,
  };
}

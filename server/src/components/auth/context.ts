// What the auth, sessions and MFA services need from the app, and what they know about the
// request (never req/res themselves).
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

// The autofill safety rules, as one pure decision. The glue calls `planFill` when a person asks for
// a fill; on `confirm` it asks them (naming `reason`), and on yes calls again with the reason's
// `confirmationKey` in `context.confirmed`. Refusals are final for that candidate.
//
// Rule order: refusals first (a "yes" to a confirmation must never unlock a refused fill), then
// confirmations from the outermost (which frame) to the innermost (where the form posts).

import type { LoginCandidate } from './detect';
import { fillField } from './fill';
import { browserLayout, isFillableField, type LayoutEnv } from './visibility';

export interface FillAccount {
  username: string;
  password: string;
}

/** The application the top page matched, as the catalogue describes it (DESIGN §8). */
export interface FillApplication {
  /** The application's URL from the catalogue; its scheme says whether it expects HTTPS. */
  url: string;
  isActive: boolean;
  accessGranted: boolean;
  /** The admin-edited value reported for the current access state (e.g. "declined"). */
  accessValue: string;
}

export interface FillContext {
  /** True only when the fill follows a person's action (menu click, popup, shortcut, context menu). */
  userGesture: boolean;
  /** URL of the top-level page, the one matched to the application. */
  topUrl: string;
  /** Origin of the document holding the fields (`window.origin` in that frame; "null" if opaque). */
  frameOrigin: string;
  application: FillApplication;
  /** Registrable domain ("eTLD+1") of a host, or null for IP addresses and bare suffixes. */
  registrableDomain: (host: string) => string | null;
  /** Confirmation keys (see `confirmationKey`) the person has already accepted for this fill. */
  confirmed?: readonly string[];
  layout?: LayoutEnv;
}

export type RefuseReason =
  | { code: 'no-user-gesture' }
  | { code: 'application-inactive' }
  | { code: 'access-declined'; declinedValue: string }
  | { code: 'opaque-frame-origin' }
  | { code: 'field-not-fillable'; field: 'username' | 'password' }
  | { code: 'nothing-to-fill' };

export type ConfirmReason =
  | { code: 'cross-origin-frame'; frameHost: string }
  | { code: 'insecure-page'; pageHost: string }
  | { code: 'insecure-action'; actionHost: string }
  | { code: 'cross-domain-action'; actionHost: string };

export interface PlannedField {
  role: 'username' | 'password';
  element: HTMLInputElement;
  value: string;
}

export type FillPlan =
  | { action: 'fill'; fields: PlannedField[] }
  | { action: 'confirm'; reason: ConfirmReason }
  | { action: 'refuse'; reason: RefuseReason };

/** Key under which a confirmation is remembered; bound to the host it names. */
export function confirmationKey(reason: ConfirmReason): string {
  switch (reason.code) {
    case 'cross-origin-frame':
      return `${reason.code}:${reason.frameHost}`;
    case 'insecure-page':
      return `${reason.code}:${reason.pageHost}`;
    case 'insecure-action':
    case 'cross-domain-action':
      return `${reason.code}:${reason.actionHost}`;
  }
}

function parseUrl(raw: string | undefined): URL | null {
  if (!raw) return null;
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

function siteOf(host: string, registrableDomain: (host: string) => string | null): string {
  return (registrableDomain(host) ?? host).toLowerCase();
}

function plannedFields(candidate: LoginCandidate, account: FillAccount): PlannedField[] {
  const fields: PlannedField[] = [];
  const wantsUsername = candidate.kind !== 'password-only';
  const wantsPassword = candidate.kind !== 'username-only';
  if (wantsUsername && candidate.usernameField && account.username !== '') {
    fields.push({ role: 'username', element: candidate.usernameField, value: account.username });
  }
  if (wantsPassword && candidate.passwordField && account.password !== '') {
    fields.push({ role: 'password', element: candidate.passwordField, value: account.password });
  }
  return fields;
}

function pendingConfirmations(candidate: LoginCandidate, context: FillContext, frameUrl: URL): ConfirmReason[] {
  const reasons: ConfirmReason[] = [];
  const top = parseUrl(context.topUrl);
  const appExpectsHttps = parseUrl(context.application.url)?.protocol === 'https:';

  if (!top || top.origin !== frameUrl.origin) {
    reasons.push({ code: 'cross-origin-frame', frameHost: frameUrl.host });
  }
  if (appExpectsHttps) {
    // An HTTP frame, or an HTTPS frame inside an HTTP page (which a network attacker can swap).
    const insecure = [frameUrl, top].find((url) => url?.protocol === 'http:');
    if (insecure) reasons.push({ code: 'insecure-page', pageHost: insecure.host });
  }
  const action = parseUrl(candidate.action);
  if (action && (action.protocol === 'http:' || action.protocol === 'https:')) {
    if (appExpectsHttps && action.protocol === 'http:') {
      reasons.push({ code: 'insecure-action', actionHost: action.host });
    }
    if (siteOf(action.hostname, context.registrableDomain) !== siteOf(frameUrl.hostname, context.registrableDomain)) {
      reasons.push({ code: 'cross-domain-action', actionHost: action.host });
    }
  }
  return reasons;
}

/**
 * Decides whether `account` may be filled into `candidate` now. Refuses without a user gesture,
 * for an inactive or declined application (with the declined value), for an opaque frame, and
 * when a target field cannot be seen or typed into; asks for confirmation (one reason at a time)
 * for a frame of another origin than the top page, an HTTP page or form target for an HTTPS
 * application, and a form posting to another registrable domain.
 */
export function planFill(candidate: LoginCandidate, account: FillAccount, context: FillContext): FillPlan {
  if (!context.userGesture) return { action: 'refuse', reason: { code: 'no-user-gesture' } };
  const { application } = context;
  if (!application.isActive) return { action: 'refuse', reason: { code: 'application-inactive' } };
  if (!application.accessGranted) {
    return { action: 'refuse', reason: { code: 'access-declined', declinedValue: application.accessValue } };
  }
  // "null" (sandboxed frame, data: URL) and origin-less URLs such as about:blank name no host the
  // person could be asked about.
  const frameUrl = parseUrl(context.frameOrigin);
  if (!frameUrl || frameUrl.origin === 'null') return { action: 'refuse', reason: { code: 'opaque-frame-origin' } };

  const fields = plannedFields(candidate, account);
  if (fields.length === 0) return { action: 'refuse', reason: { code: 'nothing-to-fill' } };
  const layout = context.layout ?? browserLayout;
  for (const field of fields) {
    if (!field.element.isConnected || !isFillableField(field.element, layout)) {
      return { action: 'refuse', reason: { code: 'field-not-fillable', field: field.role } };
    }
  }

  const confirmed = new Set(context.confirmed ?? []);
  const pending = pendingConfirmations(candidate, context, frameUrl).find(
    (reason) => !confirmed.has(confirmationKey(reason)),
  );
  if (pending) return { action: 'confirm', reason: pending };
  return { action: 'fill', fields };
}

/** Carries out a `fill` plan, in order, leaving focus on the last field. Returns fields that took their value. */
export function applyFillPlan(plan: Extract<FillPlan, { action: 'fill' }>): number {
  let filled = 0;
  plan.fields.forEach((field, index) => {
    if (fillField(field.element, field.value, { keepFocus: index === plan.fields.length - 1 })) filled++;
  });
  return filled;
}

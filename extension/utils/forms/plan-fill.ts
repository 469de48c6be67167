// The autofill safety rules, as one pure decision. The glue calls `planFill` when a person asks for
// a fill; on `confirm` it asks them once, naming every reason at once, and on yes calls again with
// each reason's `confirmationKey` in `context.confirmed`. Refusals are final for that candidate.
//
// Rule order: refusals first (a "yes" to a confirmation must never unlock a refused fill; an
// invisible field is a refusal, never a question), then the confirmations, listed from the
// outermost (which frame) to the innermost (where the form posts). The background asks the same
// `fillConfirmations` before it releases credentials, so both ends agree on one question.

import type { AccessDecision } from '@secureaccess/shared/contract';
import type { FormCandidate } from './detect';
import { fillField } from './fill';
import { acceptsTyping, assessFillTarget, browserFillLayout, type FillLayoutEnv, type HiddenReason } from './visibility';

export interface FillAccount {
  username: string;
  /** The account's password: a login's password field, a change-password form's current one. */
  password: string;
  /** A generated password for a sign-up's or change-password form's new (and confirmation) fields. */
  newPassword?: string | null;
}

/** The application the account belongs to, with the shared decideAccess's decision (DESIGN §8). */
export interface FillApplication {
  /** The application's URL from the catalogue (or the account's own); its scheme says whether it expects HTTPS. */
  url: string;
  /** The application's name, for the refusal message. */
  name: string;
  /** Null for an account linked to no catalogue application: there is no policy to apply. */
  decision: AccessDecision | null;
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
  layout?: FillLayoutEnv;
  /** SecureAccess's own elements on the page (the menu's host), ignored by hit-testing. */
  ownElements?: readonly Element[];
}

export type RefuseReason =
  | { code: 'no-user-gesture' }
  /** The contract's one code for a refused access decision (inactive, never or declined). */
  | { code: 'access_declined'; access: AccessDecision; applicationName: string }
  | { code: 'opaque-frame-origin' }
  | { code: 'field-not-fillable'; field: 'username' | 'password'; why: HiddenReason | { code: 'not-typable' } }
  /** The <iframe> holding the form (or one above it) is hidden, judged from its parent document. */
  | { code: 'frame-not-visible'; frameHost: string; why: HiddenReason }
  | { code: 'nothing-to-fill' };

export type ConfirmReason =
  | { code: 'cross-origin-frame'; frameHost: string; topHost: string }
  | { code: 'insecure-page'; pageHost: string }
  | { code: 'insecure-action'; actionHost: string }
  | { code: 'cross-domain-action'; actionHost: string };

export interface PlannedField {
  role: 'username' | 'password' | 'new-password';
  element: HTMLInputElement;
  value: string;
}

export type FillPlan =
  | { action: 'fill'; fields: PlannedField[] }
  | { action: 'confirm'; reasons: ConfirmReason[] }
  | { action: 'refuse'; reason: RefuseReason };

/** Key under which a confirmation is remembered; bound to the host it names. */
export function confirmationKey(reason: ConfirmReason): string {
  switch (reason.code) {
    case 'cross-origin-frame':
      return `${reason.code}:${reason.frameHost}@${reason.topHost}`;
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

function plannedFields(candidate: FormCandidate, account: FillAccount): PlannedField[] {
  const fields: PlannedField[] = [];
  if (candidate.formKind !== 'login') {
    // A form that sets a password: never a saved login as if it were one. The current password
    // (change-password forms) is the account's; the new one and its confirmation the generated one.
    if (candidate.currentPasswordField && account.password !== '') {
      fields.push({ role: 'password', element: candidate.currentPasswordField, value: account.password });
    }
    if (account.newPassword) {
      for (const element of [candidate.newPasswordField, candidate.confirmPasswordField]) {
        if (element) fields.push({ role: 'new-password', element, value: account.newPassword });
      }
    }
    return fields;
  }
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

/** What a confirmation is judged from; every URL as the browser reports it where it can. */
export interface ConfirmationFacts {
  /** URL of the top-level page. */
  topUrl: string;
  /** URL (or origin) of the frame holding the form. */
  frameUrl: string;
  /** Where the form posts (the candidate's `action`), when known. */
  actionUrl?: string | undefined;
  /** The application's URL; its scheme says whether it expects HTTPS. */
  applicationUrl: string;
  registrableDomain: (host: string) => string | null;
}

/**
 * Every reason to ask before filling, all at once (the person answers one question): a frame of
 * another origin than the top page (naming both hosts), an http: page or frame for an https:
 * application, a form posting over http: for an https: application, a form posting to another
 * registrable domain. Each reason names the host it is about.
 */
export function fillConfirmations(facts: ConfirmationFacts): ConfirmReason[] {
  const reasons: ConfirmReason[] = [];
  const top = parseUrl(facts.topUrl);
  const frameUrl = parseUrl(facts.frameUrl);
  if (!frameUrl) return reasons;
  const appExpectsHttps = parseUrl(facts.applicationUrl)?.protocol === 'https:';

  if (!top || top.origin !== frameUrl.origin) {
    reasons.push({ code: 'cross-origin-frame', frameHost: frameUrl.host, topHost: top?.host ?? facts.topUrl });
  }
  if (appExpectsHttps) {
    // An HTTP frame, or an HTTPS frame inside an HTTP page (which a network attacker can swap).
    const insecure = [frameUrl, top].find((url) => url?.protocol === 'http:');
    if (insecure) reasons.push({ code: 'insecure-page', pageHost: insecure.host });
  }
  const action = parseUrl(facts.actionUrl);
  if (action && (action.protocol === 'http:' || action.protocol === 'https:')) {
    if (appExpectsHttps && action.protocol === 'http:') {
      reasons.push({ code: 'insecure-action', actionHost: action.host });
    }
    if (siteOf(action.hostname, facts.registrableDomain) !== siteOf(frameUrl.hostname, facts.registrableDomain)) {
      reasons.push({ code: 'cross-domain-action', actionHost: action.host });
    }
  }
  return reasons;
}

/** The reasons not yet accepted by the person (by `confirmationKey`). */
export function unconfirmed(reasons: readonly ConfirmReason[], confirmed: readonly string[] = []): ConfirmReason[] {
  const accepted = new Set(confirmed);
  return reasons.filter((reason) => !accepted.has(confirmationKey(reason)));
}

/**
 * The refusal an application's access decision calls for, or null when it allows the fill (or
 * the account has no catalogue application). planFill refuses with it, and the background
 * refuses with it before it decrypts or sends a password (DESIGN §8).
 */
export function refusalForAccess(application: FillApplication): Extract<RefuseReason, { code: 'access_declined' }> | null {
  if (!application.decision || application.decision.allowed) return null;
  return { code: 'access_declined', access: application.decision, applicationName: application.name };
}

/**
 * Decides whether `account` may be filled into `candidate` now. Refuses without a user gesture,
 * for an inactive or declined application (with the declined value), for an opaque frame, and
 * when a target field cannot be seen or typed into; asks for confirmation (every pending reason
 * at once, see `fillConfirmations`).
 */
export function planFill(candidate: FormCandidate, account: FillAccount, context: FillContext): FillPlan {
  if (!context.userGesture) return { action: 'refuse', reason: { code: 'no-user-gesture' } };
  const refusal = refusalForAccess(context.application);
  if (refusal) return { action: 'refuse', reason: refusal };
  // "null" (sandboxed frame, data: URL) and origin-less URLs such as about:blank name no host the
  // person could be asked about.
  const frameUrl = parseUrl(context.frameOrigin);
  if (!frameUrl || frameUrl.origin === 'null') return { action: 'refuse', reason: { code: 'opaque-frame-origin' } };

  const fields = plannedFields(candidate, account);
  if (fields.length === 0) return { action: 'refuse', reason: { code: 'nothing-to-fill' } };
  const layout = context.layout ?? browserFillLayout;
  for (const field of fields) {
    const why = whyNotFillable(field.element, layout, context.ownElements);
    if (why) return { action: 'refuse', reason: { code: 'field-not-fillable', field: field.role === 'username' ? 'username' : 'password', why } };
  }

  const pending = unconfirmed(
    fillConfirmations({
      topUrl: context.topUrl,
      frameUrl: frameUrl.href,
      actionUrl: candidate.action,
      applicationUrl: context.application.url,
      registrableDomain: context.registrableDomain,
    }),
    context.confirmed,
  );
  if (pending.length > 0) return { action: 'confirm', reasons: pending };
  return { action: 'fill', fields };
}

/**
 * Why `el` must not be filled now, or null: it does not take typing (disabled, readonly, not a
 * text field) or a person cannot see it (`assessFillTarget`). The one check every fill path uses.
 */
export function whyNotFillable(
  el: Element,
  layout: FillLayoutEnv = browserFillLayout,
  ownElements: readonly Element[] = [],
): HiddenReason | { code: 'not-typable' } | null {
  if (!el.isConnected) return { code: 'removed' };
  if (!acceptsTyping(el)) return { code: 'not-typable' };
  const seen = assessFillTarget(el, layout, { scroll: true, ownElements });
  return seen.visible ? null : seen.reason;
}

/** Carries out a `fill` plan, in order, leaving focus on the last field. Returns fields that took their value. */
export function applyFillPlan(plan: Extract<FillPlan, { action: 'fill' }>): number {
  let filled = 0;
  plan.fields.forEach((field, index) => {
    if (fillField(field.element, field.value, { keepFocus: index === plan.fields.length - 1 })) filled++;
  });
  return filled;
}

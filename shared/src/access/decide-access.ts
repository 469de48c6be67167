// DESIGN §8: whether credentials may be used for an application, and the value reported for it.
// This is the only code that decides: the server (match, account release, `used`) and every
// extension path (inline menu, popup fill, shortcut, context menu, reveal, copy, save/update
// offers) call decideAccess and act on `allowed`; a meta-test keeps other code from reading
// `access`/`isActive` to decide for itself.
import type { AccessDecision, AccessRefusalReason, Application } from '../contract';

/** The fields of a catalogue application the decision reads. */
export type AccessSubject = Pick<
  Application,
  'id' | 'isActive' | 'access' | 'accessGrantedValue' | 'accessDeclinedValue' | 'matchStrategy'
>;

/**
 * Decides access for `application` at `now`. Refusal reasons are checked from the most to the
 * least definitive: an inactive application refuses whatever its access says, an application
 * whose match strategy is `never` refuses (it was taken out of autofill on purpose), then a
 * declined one. A refused decision reports the admin's declined value, so the person reads
 * what the admin chose to show.
 */
export function decideAccess(application: AccessSubject, now: Date): AccessDecision {
  const reason: AccessRefusalReason | null = !application.isActive
    ? 'inactive'
    : application.matchStrategy === 'never'
      ? 'never'
      : application.access !== 'granted'
        ? 'declined'
        : null;
  const allowed = reason === null;
  return {
    applicationId: application.id,
    state: application.access,
    value: allowed ? application.accessGrantedValue : application.accessDeclinedValue,
    isActive: application.isActive,
    allowed,
    reason,
    decidedAt: now.toISOString(),
  };
}

/**
 * The user-facing message of each decision, as message keys of the extension's i18n layer.
 * Every refusal message takes the placeholders `$1` (the application's name) and `$2` (the
 * admin's value), so each one names who decided what.
 */
export const accessMessageKeys = {
  allowed: 'accessAllowed',
  inactive: 'accessRefusedInactive',
  declined: 'accessRefusedDeclined',
  never: 'accessRefusedNever',
} as const satisfies Record<AccessRefusalReason | 'allowed', string>;
export type AccessMessageKey = (typeof accessMessageKeys)[keyof typeof accessMessageKeys];

/** The message key for `decision` (see accessMessageKeys). */
export function accessMessageKey(decision: Pick<AccessDecision, 'reason'>): AccessMessageKey {
  return accessMessageKeys[decision.reason ?? 'allowed'];
}

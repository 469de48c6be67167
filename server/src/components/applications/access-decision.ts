// DESIGN §8: whether credentials may be used for an application, and the value reported for it.
// Every place that answers this (match, releasing an account, `used`) goes through decideAccess,
// so they can never disagree.
import { ErrorCode, type AccessDecision } from '@secureaccess/shared/contract';
import type { Application } from '../../db';
import { AppError } from '../../http/app-error';

export function decideAccess(application: Application): AccessDecision {
  const allowed = application.isActive && application.access === 'granted';
  return {
    applicationId: application.uuid,
    state: application.access,
    // An inactive application refuses like a declined one, so it reports the declined value too.
    value: allowed ? application.accessGrantedValue : application.accessDeclinedValue,
    isActive: Boolean(application.isActive),
    allowed,
  };
}

/** 403 access_declined, carrying the decision (and so the configured declined value). */
export function accessDeclinedError(decision: AccessDecision): AppError {
  const why = decision.isActive ? 'Access to this application is declined' : 'This application is inactive';
  return new AppError(ErrorCode.accessDeclined, 403, `${why}: ${decision.value}`, { details: { access: decision } });
}

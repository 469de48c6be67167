// DESIGN §8 on the server: the shared decideAccess over a catalogue row, and the error a refusal
// answers with. The rule itself lives in @secureaccess/shared/access, shared with the extension.
import { decideAccess } from '@secureaccess/shared/access';
import { ErrorCode, type AccessDecision } from '@secureaccess/shared/contract';
import type { Application } from '../../db';
import { AppError } from '../../http/app-error';
import { toApplication } from './application-store';

export function decideApplicationAccess(application: Application, now: Date): AccessDecision {
  return decideAccess(toApplication(application), now);
}

const refusalMessages: Record<NonNullable<AccessDecision['reason']>, string> = {
  inactive: 'This application is inactive',
  never: 'This application is excluded from autofill',
  declined: 'Access to this application is declined',
};

/** 403 access_declined, carrying the decision (and so the configured declined value). */
export function accessDeclinedError(decision: AccessDecision): AppError {
  const why = refusalMessages[decision.reason ?? 'declined'];
  return new AppError(ErrorCode.accessDeclined, 403, `${why}: ${decision.value}`, { details: { access: decision } });
}

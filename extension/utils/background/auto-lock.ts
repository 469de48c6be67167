// The auto-lock rule, kept pure (no storage, no clock of its own) so it can be tested without
// waiting real minutes: the caller passes the time it considers "now".

export interface AutoLockInput {
  /** Whether a user key is held at all (a locked vault has nothing to lock). */
  unlocked: boolean;
  /** The preference: seconds without use before locking; 0 (or less) = only on browser restart. */
  lockTimeoutSeconds: number;
  /** Epoch milliseconds of the last use (storage.session `lastActivity`; 0 when never recorded). */
  lastActivityMs: number;
  /** Epoch milliseconds to judge at. */
  nowMs: number;
}

/** True when the vault has been idle at least the preference's lock timeout. */
export function shouldAutoLock({ unlocked, lockTimeoutSeconds, lastActivityMs, nowMs }: AutoLockInput): boolean {
  if (!unlocked || lockTimeoutSeconds <= 0) return false;
  return nowMs - lastActivityMs >= lockTimeoutSeconds * 1000;
}

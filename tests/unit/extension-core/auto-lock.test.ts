import { shouldAutoLock } from '@ext/utils/background/auto-lock';

// The rule behind the auto-lock alarm, judged at chosen instants instead of waiting real minutes.
describe('shouldAutoLock', () => {
  const lastActivityMs = Date.UTC(2026, 0, 1, 9, 0, 0);
  const fifteenMinutes = 15 * 60;
  const at = (secondsAfterLastUse: number) => lastActivityMs + secondsAfterLastUse * 1000;

  test('when the vault has been idle less than the lock timeout, then it stays unlocked', () => {
    expect(shouldAutoLock({ unlocked: true, lockTimeoutSeconds: fifteenMinutes, lastActivityMs, nowMs: at(0) })).toBe(false);
    expect(shouldAutoLock({ unlocked: true, lockTimeoutSeconds: fifteenMinutes, lastActivityMs, nowMs: at(fifteenMinutes - 1) })).toBe(false);
  });

  test('when the vault has been idle exactly the lock timeout or longer, then it locks', () => {
    expect(shouldAutoLock({ unlocked: true, lockTimeoutSeconds: fifteenMinutes, lastActivityMs, nowMs: at(fifteenMinutes) })).toBe(true);
    expect(shouldAutoLock({ unlocked: true, lockTimeoutSeconds: fifteenMinutes, lastActivityMs, nowMs: at(8 * 3600) })).toBe(true);
  });

  test('when the preference changes, then the same idle time is judged against the new timeout', () => {
    const idle = at(5 * 60); // 5 minutes
    expect(shouldAutoLock({ unlocked: true, lockTimeoutSeconds: 60, lastActivityMs, nowMs: idle })).toBe(true);
    expect(shouldAutoLock({ unlocked: true, lockTimeoutSeconds: 10 * 60, lastActivityMs, nowMs: idle })).toBe(false);
  });

  test('when the lock timeout is 0 ("only on browser restart"), then it never locks by time', () => {
    expect(shouldAutoLock({ unlocked: true, lockTimeoutSeconds: 0, lastActivityMs, nowMs: at(30 * 24 * 3600) })).toBe(false);
  });

  test('when the vault is already locked, then there is nothing to lock', () => {
    expect(shouldAutoLock({ unlocked: false, lockTimeoutSeconds: 60, lastActivityMs, nowMs: at(3600) })).toBe(false);
  });

  test('when no activity was ever recorded (0), then an unlocked vault with a timeout locks', () => {
    expect(shouldAutoLock({ unlocked: true, lockTimeoutSeconds: 60, lastActivityMs: 0, nowMs: at(0) })).toBe(true);
  });
});

// The one access rule (DESIGN §8): every refusal reason, its precedence, the value reported, and
// the message key beside each decision.
import { accessMessageKey, decideAccess, type AccessSubject } from '@secureaccess/shared/access';
import { accessDecisionSchema } from '@secureaccess/shared/contract';

const now = new Date('2026-03-01T12:00:00.000Z');
const application = (overrides: Partial<AccessSubject> = {}): AccessSubject => ({
  id: '5f0c1a3e-8d2b-4c1a-9e7f-0a1b2c3d4e5f',
  isActive: true,
  access: 'granted',
  accessGrantedValue: 'OK by security',
  accessDeclinedValue: 'Blocked: vendor review',
  matchStrategy: 'base_domain',
  ...overrides,
});

describe('decideAccess', () => {
  test('when an active application is granted, then access is allowed with the granted value', () => {
    const decision = decideAccess(application(), now);
    expect(decision).toEqual({
      applicationId: application().id,
      state: 'granted',
      value: 'OK by security',
      isActive: true,
      allowed: true,
      reason: null,
      decidedAt: '2026-03-01T12:00:00.000Z',
    });
    expect(accessDecisionSchema.parse(decision)).toEqual(decision);
    expect(accessMessageKey(decision)).toBe('accessAllowed');
  });

  test.each([
    [{ access: 'declined' as const }, 'declined', 'accessRefusedDeclined'],
    [{ isActive: false }, 'inactive', 'accessRefusedInactive'],
    [{ isActive: false, access: 'declined' as const }, 'inactive', 'accessRefusedInactive'],
    [{ matchStrategy: 'never' as const }, 'never', 'accessRefusedNever'],
    [{ matchStrategy: 'never' as const, access: 'declined' as const }, 'never', 'accessRefusedNever'],
    [{ matchStrategy: 'never' as const, isActive: false }, 'inactive', 'accessRefusedInactive'],
  ])('when the application is %o, then access is refused as %s with the declined value', (overrides, reason, key) => {
    const decision = decideAccess(application(overrides), now);
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toBe(reason);
    expect(decision.value).toBe('Blocked: vendor review');
    expect(accessMessageKey(decision)).toBe(key);
  });

  test('the decision carries the instant it was made', () => {
    expect(decideAccess(application(), new Date(0)).decidedAt).toBe('1970-01-01T00:00:00.000Z');
  });
});

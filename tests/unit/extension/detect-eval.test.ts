/** @jest-environment node */
// The accuracy goals of issue 11 over the labelled evaluation pages (tests/fixtures/form-eval):
// F1 ≥ 0.95 for the login's username and current password, and no sign-up or change-password
// form taken for a login. Accuracy, not timing: asserting it is deterministic.
import { currentDetector, evaluate } from '../../eval/form-eval';

describe('form detection over the evaluation set', () => {
  const report = evaluate(currentDetector);

  it('when the set is loaded, then it holds at least 150 labelled pages', () => {
    expect(report.pages).toBeGreaterThanOrEqual(150);
    expect(report.labelledFields).toBeGreaterThan(200);
  });

  it.each(['login/username', 'login/current-password', 'username', 'current-password'])(
    'when scoring %s, then F1 is at least 0.95',
    (kind) => {
      expect(report.scores[kind]!.f1).toBeGreaterThanOrEqual(0.95);
    },
  );

  it('when a page holds a sign-up or change-password form, then it is never taken for a login', () => {
    expect(report.newPasswordFormsTakenForLogin).toEqual([]);
  });

  it('when scoring the new-password roles, then sign-up and change-password fields are found too (F1 ≥ 0.9)', () => {
    for (const kind of ['new-password', 'confirm-password', 'sign-up/username']) {
      expect(report.scores[kind]!.f1).toBeGreaterThanOrEqual(0.9);
    }
  });
});

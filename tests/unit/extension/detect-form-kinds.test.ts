/** @jest-environment jsdom */
// detectForms classifies what each form is for (login, sign-up, change-password) and the role of
// each field, over page fixtures (tests/fixtures/forms). The first block has one page of our own
// per failure class found in issue 11; the second checks that the sign-up and change-password
// pages that detectLoginForms leaves alone come out as such.
import { detectForms, detectLoginForms, fieldRolesOf, type FieldRole, type FormCandidate } from '@ext/utils/forms/detect';
import { byId, fakeLayout, loadFixture } from './helpers/dom';

type Summary = { formKind: FormCandidate['formKind']; kind?: string } & Partial<Record<FieldRole, string>>;

function summarize(candidate: FormCandidate): Summary {
  const roles = Object.fromEntries(fieldRolesOf(candidate).map(({ field, role }) => [role, field.id || field.name]));
  return { formKind: candidate.formKind, ...(candidate.formKind === 'login' ? { kind: candidate.kind } : {}), ...roles };
}

const failureClasses: Array<[page: string, description: string, expected: Summary[]]> = [
  ['newsletter-on-sign-in-page.html', 'a lone e-mail box under a login on a page titled "Sign In" is no username step',
    [{ formKind: 'login', kind: 'username-password', username: 'ns-email', 'current-password': 'ns-pass' }]],
  ['signup-submit-wording.html', 'e-mail + password whose only sign-up evidence is the "Sign up" submit button',
    [{ formKind: 'sign-up', username: 'sw-email', 'new-password': 'sw-pass' }]],
  ['signup-field-names.html', 'a form whose fields are named RegistrationForm[email] / RegistrationForm[password]',
    [{ formKind: 'sign-up', username: 'reg-email', 'new-password': 'reg-pass' }]],
  ['aria-hidden-modal-login.html', 'a visible login dialog inside an app root marked aria-hidden="true"',
    [{ formKind: 'login', kind: 'username-password', username: 'ah-email', 'current-password': 'ah-pass' }]],
  ['change-password-confirm-label.html', 'a change-password form whose current password says "Enter your password to confirm"',
    [{ formKind: 'change-password', 'current-password': 'cc-current', 'new-password': 'cc-new', 'confirm-password': 'cc-again' }]],
  ['change-password-two-passwords.html', 'a change-password form of two visible passwords (current, new)',
    [{ formKind: 'change-password', 'current-password': 'tp-old', 'new-password': 'tp-new' }]],
  ['seller-code-login.html', 'a login whose password field is named seller_code',
    [{ formKind: 'login', kind: 'username-password', username: 'sc-id', 'current-password': 'sc-code' }]],
  ['username-next-step.html', 'a lone "Username" box with a "Next" button, without autocomplete or login wording',
    [{ formKind: 'login', kind: 'username-only', username: 'un-user' }]],
];

const newPasswordPages: Array<[page: string, expected: Summary[]]> = [
  ['signup-confirm.html', [{ formKind: 'sign-up', username: 'user[email]', 'new-password': 'user[password]', 'confirm-password': 'user[password_confirmation]' }]],
  ['signup-single-password.html', [{ formKind: 'sign-up', username: 'email', 'new-password': 'password' }]],
  ['change-password.html', [{ formKind: 'change-password', 'current-password': 'old', 'new-password': 'new1', 'confirm-password': 'new2' }]],
  ['change-password-no-confirm.html', [{ formKind: 'change-password', 'current-password': 'oldPassword', 'new-password': 'newPassword' }]],
  ['login-and-signup-side-by-side.html', [
    { formKind: 'login', kind: 'username-password', username: 'login-username', 'current-password': 'login-password' },
    { formKind: 'sign-up', username: 'reg_email', 'new-password': 'reg_password' },
  ]],
];

describe('detectForms', () => {
  it.each(failureClasses)('when the page is %s (%s), then the forms are classified right', (page, _description, expected) => {
    loadFixture(page);

    expect(detectForms(document, { layout: fakeLayout }).map(summarize)).toEqual(expected);
  });

  it.each(newPasswordPages)('when the page is %s, then its sign-up / change-password forms come with their roles', (page, expected) => {
    loadFixture(page);

    expect(detectForms(document, { layout: fakeLayout }).map(summarize)).toEqual(expected);
  });

  it('when a <dialog> holding a login is closed, then nothing is found, and once open the login is', () => {
    loadFixture('dialog-login.html');
    expect(detectForms(document, { layout: fakeLayout })).toEqual([]);

    byId<HTMLDialogElement>('dl-dialog').setAttribute('open', '');

    expect(detectForms(document, { layout: fakeLayout }).map(summarize)).toEqual([
      { formKind: 'login', kind: 'username-password', username: 'dl-user', 'current-password': 'dl-pass' },
    ]);
  });

  it('when a page holds a sign-up form, then detectLoginForms (what fills a saved login) never returns it', () => {
    loadFixture('signup-submit-wording.html');

    expect(detectLoginForms(document, { layout: fakeLayout })).toEqual([]);
  });
});

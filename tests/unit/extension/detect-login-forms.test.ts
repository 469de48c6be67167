/** @jest-environment jsdom */
// Login form detection over hand-written page fixtures (tests/fixtures/forms). Each row names the
// page and the login candidates expected on it, by element id; an empty list means "no login here".
import { detectLoginForms, type LoginCandidate } from '@ext/utils/forms/detect';
import { fakeLayout, loadFixture } from './helpers/dom';

interface Expected {
  kind: LoginCandidate['kind'];
  username?: string;
  password?: string;
  submit?: string;
  action?: string;
}

function summarize(candidate: LoginCandidate): Expected {
  return {
    kind: candidate.kind,
    ...(candidate.usernameField ? { username: candidate.usernameField.id } : {}),
    ...(candidate.passwordField ? { password: candidate.passwordField.id } : {}),
  };
}

const positives: Array<[page: string, description: string, expected: Expected[]]> = [
  ['classic-login.html', 'a classic username + password form', [{ kind: 'username-password', username: 'username', password: 'password', submit: 'login-btn', action: 'http://localhost/session' }]],
  ['email-first-step.html', 'the e-mail step of a multi-step login, with a hidden password trap', [{ kind: 'username-only', username: 'identifierId', submit: 'identifierNext' }]],
  ['password-step.html', 'the password step of a multi-step login', [{ kind: 'password-only', password: 'current-pw', submit: 'passwordNext' }]],
  ['email-step-microsoft.html', 'an e-mail step without autocomplete, titled "Sign in"', [{ kind: 'username-only', username: 'i0116', submit: 'idSIButton9', action: 'https://login.microsoftonline.com/common/login' }]],
  ['formless-login.html', 'a login built from divs without a <form>', [{ kind: 'username-password', username: 'email', password: 'pw', submit: 'do-login' }]],
  ['shadow-dom-login.html', 'a login form inside an open shadow root', [{ kind: 'username-password', username: 'user', password: 'pass', submit: 'go', action: 'https://partners.example.com/auth/login' }]],
  ['shadow-dom-field-components.html', 'each field inside its own component shadow root', [{ kind: 'username-password', username: 'native-email', password: 'native-pw', submit: 'submit-login', action: 'http://localhost/api/login' }]],
  ['search-and-login.html', 'a search box in the header and a login form', [{ kind: 'username-password', username: 'username', password: 'password', submit: 'login-submit' }]],
  ['newsletter-footer-and-login.html', 'a formless login and a newsletter box in the footer', [{ kind: 'username-password', username: 'login-email', password: 'login-pass', submit: 'login-go' }]],
  ['login-with-captcha.html', 'a login form with a captcha field after the password', [{ kind: 'username-password', username: 'member', password: 'member-pass', submit: 'member-submit' }]],
  ['honeypot-login.html', 'a login form with five kinds of honeypot field', [{ kind: 'username-password', username: 'real-user', password: 'real-pass', submit: 'real-submit' }]],
  ['honeypot-second-password.html', 'a login with a hidden second password (not a sign-up)', [{ kind: 'username-password', username: 'hp-user', password: 'hp-pass', submit: 'hp-submit' }]],
  ['remember-me.html', 'the WordPress login with remember-me and a show-password button', [{ kind: 'username-password', username: 'user_login', password: 'user_pass', submit: 'wp-submit', action: 'https://blog.example.org/wp-login.php' }]],
  ['spanish-login.html', 'a login labelled only in Spanish, with meaningless field names', [{ kind: 'username-password', username: 'campo1', password: 'campo2', submit: 'entrar' }]],
  ['french-login.html', 'a login labelled only in French', [{ kind: 'username-password', username: 'ident', password: 'mdp', submit: 'btn-connexion' }]],
  ['german-login.html', 'a login labelled only in German', [{ kind: 'username-password', username: 'feld-a', password: 'feld-b', submit: 'anmelden-btn' }]],
  ['bank-login.html', 'a bank logon with an account type, customer number and user ID', [{ kind: 'username-password', username: 'user-id', password: 'bank-pw', submit: 'logon', action: 'https://secure.examplebank.co.uk/logon/verify' }]],
  ['modal-login.html', 'a login in a modal over a flight search form', [{ kind: 'username-password', username: 'modal-email', password: 'modal-pass', submit: 'modal-submit' }]],
  ['spa-login.html', 'a single-page-app login of divs with a role=button', [{ kind: 'username-password', username: 'spa-email', password: 'spa-pass', submit: 'spa-submit' }]],
  ['login-and-signup-side-by-side.html', 'login and register forms side by side', [{ kind: 'username-password', username: 'login-username', password: 'login-password', submit: 'login-submit' }]],
  ['aspnet-single-form.html', 'one page-wide ASP.NET <form> holding a login and a registration', [{ kind: 'username-password', username: 'ctl00_Login1_UserName', password: 'ctl00_Login1_Password', submit: 'ctl00_Login1_LoginButton' }]],
  ['readonly-until-focus.html', 'fields readonly until focused (an anti-autofill trick)', [{ kind: 'username-password', username: 'ro-user', password: 'ro-pass', submit: 'ro-submit' }]],
  ['password-step-readonly-email.html', 'a password step showing the e-mail in a readonly field', [{ kind: 'password-only', password: 'step-pass', submit: 'step-submit' }]],
  ['formaction-override.html', 'a submit button whose formaction overrides the form action', [{ kind: 'username-password', username: 'fa-user', password: 'fa-pass', submit: 'fa-submit', action: 'https://collector.evil.example/steal' }]],
  ['phone-login.html', 'a phone-or-email login in Spanish', [{ kind: 'username-password', username: 'tel-user', password: 'tel-pass', submit: 'tel-submit' }]],
  ['sudo-confirm-access.html', 'a "confirm access" password prompt for a signed-in user', [{ kind: 'password-only', password: 'sudo_password', submit: 'sudo-submit' }]],
  ['login-new-password-misuse.html', 'a login that wrongly marks its password "new-password"', [{ kind: 'username-password', username: 'np-user', password: 'np-pass', submit: 'np-submit' }]],
  ['password-revealed.html', 'a login whose password is revealed (type=text, current-password)', [{ kind: 'username-password', username: 'rv-user', password: 'rv-pass', submit: 'rv-submit' }]],
  ['password-only-plain.html', 'a password-protected page', [{ kind: 'password-only', password: 'pp', submit: 'pp-submit' }]],
  ['generic-username-field.html', 'a login whose text field has no signals but sits above the password', [{ kind: 'username-password', username: 'gen-a', password: 'gen-b', submit: 'gen-submit' }]],
];

const negatives: Array<[page: string, description: string]> = [
  ['signup-confirm.html', 'a sign-up form with a confirm-password field'],
  ['signup-single-password.html', 'a sign-up form with one new password and name fields'],
  ['spanish-signup.html', 'a Spanish sign-up form'],
  ['french-signup.html', 'a French sign-up form with one password, name fields and terms'],
  ['german-signup-confirm-email.html', 'a German sign-up asking for the e-mail twice and one password'],
  ['signup-email-first.html', 'the e-mail step of a sign-up'],
  ['change-password.html', 'a change-password form (current, new, confirm)'],
  ['change-password-no-confirm.html', 'a formless change-password panel (old, new)'],
  ['search-box.html', 'a search box'],
  ['newsletter.html', 'a newsletter form (e-mail + subscribe)'],
  ['german-newsletter.html', 'a German newsletter form whose button says "Anmelden" (sign in)'],
  ['captcha-challenge.html', 'a captcha challenge page'],
  ['otp-page.html', 'a one-time-code page'],
  ['otp-digit-boxes.html', 'a one-time code typed into six one-digit boxes'],
  ['otp-emailed-code.html', 'a code-by-e-mail page that says "Sign in"'],
  ['forgot-password.html', 'a forgotten-password form'],
  ['contact-form.html', 'a contact form with an e-mail field'],
  ['checkout-email.html', 'a checkout step asking for an e-mail'],
  ['hidden-modal-login.html', 'a login modal that is not open (display:none)'],
  ['disabled-fieldset.html', 'a login inside a disabled fieldset'],
];

describe('detectLoginForms over page fixtures', () => {
  it.each(positives)('when the page is %s (%s), then the login is found', (page, _description, expected) => {
    const doc = loadFixture(page);

    const candidates = detectLoginForms(doc, { layout: fakeLayout });

    expect(candidates.map(summarize)).toEqual(expected.map(({ kind, username, password }) => ({
      kind,
      ...(username ? { username } : {}),
      ...(password ? { password } : {}),
    })));
    expected.forEach((want, index) => {
      const got = candidates[index]!;
      if (want.submit) expect(got.submitControl?.id).toBe(want.submit);
      if (want.action) expect(got.action).toBe(want.action);
    });
  });

  it.each(negatives)('when the page is %s (%s), then no login is found', (page) => {
    const doc = loadFixture(page);

    const candidates = detectLoginForms(doc, { layout: fakeLayout });

    expect(candidates.map(summarize)).toEqual([]);
  });
});

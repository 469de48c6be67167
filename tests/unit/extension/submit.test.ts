/**
 * @jest-environment jsdom
 * @jest-environment-options {"url": "https://accounts.example.com/login"}
 */
// Reading submitted credentials and deciding whether to offer save / update.
import { detectForms, detectLoginForms, type LoginCandidate, type NewPasswordCandidate } from '@ext/utils/forms/detect';
import {
  decideSaveOffer,
  extractSetPassword,
  extractSubmittedCredentials,
  extractSubmittedUsername,
  isNeverSite,
  type SubmittedCredentials,
} from '@ext/utils/forms/submit';
import { byId, fakeLayout, loadFixture, loadHtml } from './helpers/dom';

function onlyCandidate(): LoginCandidate {
  const candidates = detectLoginForms(document, { layout: fakeLayout });
  expect(candidates).toHaveLength(1);
  return candidates[0]!;
}

function typeInto(id: string, value: string): void {
  byId(id).value = value;
}

describe('extractSubmittedCredentials', () => {
  it('when a username and password were submitted, then both are returned with the page host', () => {
    loadFixture('classic-login.html');
    const candidate = onlyCandidate();
    typeInto('username', '  jane@example.com ');
    typeInto('password', ' pass phrase with spaces ');

    expect(extractSubmittedCredentials(candidate, { layout: fakeLayout })).toEqual({
      username: 'jane@example.com',
      password: ' pass phrase with spaces ',
      host: 'accounts.example.com',
    });
  });

  it('when the password is a single character, then nothing is returned', () => {
    loadFixture('classic-login.html');
    const candidate = onlyCandidate();
    typeInto('username', 'jane');
    typeInto('password', 'x');
    expect(extractSubmittedCredentials(candidate, { layout: fakeLayout })).toBeNull();
  });

  it('when the username is a single character, then nothing is returned', () => {
    loadFixture('classic-login.html');
    const candidate = onlyCandidate();
    typeInto('username', 'j');
    typeInto('password', 'long enough');
    expect(extractSubmittedCredentials(candidate, { layout: fakeLayout })).toBeNull();
  });

  it('when the password is empty, then nothing is returned', () => {
    loadFixture('classic-login.html');
    const candidate = onlyCandidate();
    typeInto('username', 'jane');
    expect(extractSubmittedCredentials(candidate, { layout: fakeLayout })).toBeNull();
  });

  it('when a username-only step is submitted, then no credentials are returned but the username is readable', () => {
    loadFixture('email-first-step.html');
    const candidate = onlyCandidate();
    typeInto('identifierId', 'jane@example.com');
    expect(extractSubmittedCredentials(candidate, { layout: fakeLayout })).toBeNull();
    expect(extractSubmittedUsername(candidate)).toBe('jane@example.com');
  });

  it('when a password step follows a remembered username step, then the two are combined', () => {
    loadFixture('password-step.html');
    const candidate = onlyCandidate();
    typeInto('current-pw', 'hunter22');
    expect(extractSubmittedCredentials(candidate, { layout: fakeLayout, previousStepUsername: 'jane@example.com' })).toEqual({
      username: 'jane@example.com',
      password: 'hunter22',
      host: 'accounts.example.com',
    });
  });

  it('when a confirm-password field appeared in the form after detection, then it is a sign-up and nothing is returned', () => {
    loadFixture('classic-login.html');
    const candidate = onlyCandidate();
    typeInto('username', 'jane');
    typeInto('password', 'new-secret-1');
    byId('password').insertAdjacentHTML('afterend', '<label>Confirm password <input id="confirm" type="password"></label>');
    typeInto('confirm', 'new-secret-1');
    expect(extractSubmittedCredentials(candidate, { layout: fakeLayout })).toBeNull();
  });

  it('when a hidden extra password sits in the form, then it is still a login and credentials are returned', () => {
    loadFixture('honeypot-second-password.html');
    const candidate = onlyCandidate();
    typeInto('hp-user', 'jane');
    typeInto('hp-pass', 'hunter22');
    expect(extractSubmittedCredentials(candidate, { layout: fakeLayout })?.username).toBe('jane');
  });
});

describe('extractSetPassword (sign-up and change-password forms)', () => {
  function signUp(): NewPasswordCandidate {
    loadHtml(`<form action="/register"><h1>Create account</h1><input id="e" type="email" name="email" autocomplete="email">
      <input id="n" type="password" autocomplete="new-password"><input id="c" type="password" autocomplete="new-password">
      <button>Sign up</button></form>`);
    const [candidate] = detectForms(document, { layout: fakeLayout });
    expect(candidate?.formKind).toBe('sign-up');
    return candidate as NewPasswordCandidate;
  }

  it('when a sign-up is submitted with matching passwords, then the new name and the new password are returned', () => {
    const candidate = signUp();
    typeInto('e', ' mia@example.com ');
    typeInto('n', 'New-pass-1234');
    typeInto('c', 'New-pass-1234');
    expect(extractSetPassword(candidate)).toEqual({ username: 'mia@example.com', password: 'New-pass-1234' });
  });

  it('when the confirmation differs or the password is one character, then nothing is returned (the site refuses the form)', () => {
    const candidate = signUp();
    typeInto('n', 'New-pass-1234');
    typeInto('c', 'New-pass-12345');
    expect(extractSetPassword(candidate)).toBeNull();
    typeInto('n', 'x');
    typeInto('c', 'x');
    expect(extractSetPassword(candidate)).toBeNull();
  });
});

describe('decideSaveOffer', () => {
  const submitted = (username: string, password: string, host = 'accounts.example.com'): SubmittedCredentials => ({ username, password, host });

  it('when nothing was submitted, then nothing is offered', () => {
    expect(decideSaveOffer(null, [], [])).toBe('none');
  });

  it('when the site has no account for that username, then saving is offered', () => {
    expect(decideSaveOffer(submitted('jane', 'pw-1'), [{ username: 'john', password: 'pw-9' }], [])).toBe('save');
  });

  it('when the same username and password are stored, then nothing is offered', () => {
    expect(decideSaveOffer(submitted('jane', 'pw-1'), [{ username: 'jane', password: 'pw-1' }], [])).toBe('none');
  });

  it('when the username is stored with another password, then updating is offered (usernames compare case-insensitively)', () => {
    expect(decideSaveOffer(submitted('Jane@Example.com', 'pw-2'), [{ username: 'jane@example.com', password: 'pw-1' }], [])).toBe('update');
  });

  it('when the site is on the never list, then nothing is offered', () => {
    expect(decideSaveOffer(submitted('jane', 'pw-1', 'example.com'), [], ['example.com'])).toBe('none');
  });

  it('when a subdomain of a never-listed site is used, then nothing is offered', () => {
    expect(decideSaveOffer(submitted('jane', 'pw-1'), [], ['example.com'])).toBe('none');
  });

  it('when a never entry only shares a suffix with the host, then it does not apply', () => {
    expect(decideSaveOffer(submitted('jane', 'pw-1', 'notexample.com'), [], ['example.com'])).toBe('save');
    expect(isNeverSite('example.com.evil.net', ['example.com'])).toBe(false);
  });

  it('when there is no username and no account, then saving is offered', () => {
    expect(decideSaveOffer(submitted('', 'pw-1'), [], [])).toBe('save');
  });

  it('when there is no username and the single stored account has another password, then updating is offered', () => {
    expect(decideSaveOffer(submitted('', 'pw-2'), [{ username: 'jane', password: 'pw-1' }], [])).toBe('update');
  });

  it('when there is no username and some stored account has that password, then nothing is offered', () => {
    expect(decideSaveOffer(submitted('', 'pw-1'), [{ username: 'john', password: 'pw-0' }, { username: 'jane', password: 'pw-1' }], [])).toBe('none');
  });

  it('when there is no username and several accounts differ, then saving is offered (which account to update is unknown)', () => {
    expect(decideSaveOffer(submitted('', 'pw-3'), [{ username: 'john', password: 'pw-0' }, { username: 'jane', password: 'pw-1' }], [])).toBe('save');
  });

  it('when the submitted password is a single character, then nothing is offered', () => {
    expect(decideSaveOffer(submitted('jane', 'x'), [], [])).toBe('none');
  });
});

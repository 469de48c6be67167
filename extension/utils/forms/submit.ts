// Save / update offers after a login is submitted. The glue watches the candidate's form submit,
// submit-control click and the navigation that follows, then asks these two functions.

import { isSignUpOrChangeCandidate, type LoginCandidate, type NewPasswordCandidate } from './detect';
import { browserLayout, type LayoutEnv } from './visibility';

export interface SubmittedCredentials {
  /** Trimmed; "" when the form had no username (a password-only step with no earlier step). */
  username: string;
  password: string;
  /** Host of the page the login was submitted on ("accounts.example.com"). */
  host: string;
}

export interface ExtractOptions {
  /** Username captured on the first step of a multi-step login, used when this step has none. */
  previousStepUsername?: string;
  layout?: LayoutEnv;
}

/** Values this short are keystrokes in progress or placeholders, not credentials. */
const minCredentialLength = 2;

/** The username typed into a username-only step, to remember for the password step. */
export function extractSubmittedUsername(candidate: LoginCandidate): string | null {
  const username = candidate.usernameField?.value.trim() ?? '';
  return username.length >= minCredentialLength ? username : null;
}

/**
 * The credentials just submitted through `candidate`, or null when there is nothing worth saving:
 * no password (a username-only step), a one-character value, or a form that has turned out to be
 * a sign-up or change-password form.
 */
export function extractSubmittedCredentials(
  candidate: LoginCandidate,
  opts: ExtractOptions = {},
): SubmittedCredentials | null {
  if (candidate.kind === 'username-only' || !candidate.passwordField) return null;
  const password = candidate.passwordField.value;
  if (password.length < minCredentialLength) return null;
  let username = extractSubmittedUsername(candidate) ?? '';
  if (username === '' && candidate.usernameField?.value.trim()) return null; // a one-character username
  if (username === '') username = opts.previousStepUsername?.trim() ?? '';
  if (isSignUpOrChangeCandidate(candidate, opts.layout ?? browserLayout)) return null;
  const host = candidate.passwordField.ownerDocument.location?.hostname ?? '';
  return { username, password, host };
}

/**
 * The password a sign-up or change-password form just set, with the new account's name (sign-up;
 * '' when the form shows none, as change-password forms rarely do). Null when the new password is
 * too short or its confirmation differs (the site will refuse the form anyway).
 */
export function extractSetPassword(candidate: NewPasswordCandidate): { username: string; password: string } | null {
  const password = candidate.newPasswordField.value;
  if (password.length < minCredentialLength) return null;
  if (candidate.confirmPasswordField && candidate.confirmPasswordField.value !== password) return null;
  const username = candidate.usernameField?.value.trim() ?? '';
  return { username: username.length >= minCredentialLength ? username : '', password };
}

export interface ExistingAccount {
  username: string;
  password: string;
}

export type SaveOffer = 'save' | 'update' | 'none';

/** Usernames compare case-insensitively: e-mail addresses and most logins are. */
function sameUsername(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** Whether `host` is one of `neverSites` or a subdomain of one ("never for example.com" covers www). */
export function isNeverSite(host: string, neverSites: readonly string[]): boolean {
  const normalized = host.toLowerCase().replace(/\.$/, '');
  return neverSites.some((site) => {
    const entry = site.toLowerCase().replace(/\.$/, '');
    return entry !== '' && (normalized === entry || normalized.endsWith(`.${entry}`));
  });
}

/**
 * What to offer after a submitted login: nothing for a "never" site or credentials already
 * stored; "update" when the username is stored with another password (or, with no username,
 * when the site has exactly one account and its password differs); "save" otherwise.
 */
export function decideSaveOffer(
  submitted: SubmittedCredentials | null,
  existingAccountsForSite: readonly ExistingAccount[],
  neverSites: readonly string[],
): SaveOffer {
  if (!submitted || submitted.password.length < minCredentialLength) return 'none';
  if (isNeverSite(submitted.host, neverSites)) return 'none';
  if (submitted.username === '') {
    if (existingAccountsForSite.some((account) => account.password === submitted.password)) return 'none';
    return existingAccountsForSite.length === 1 ? 'update' : 'save';
  }
  const sameUser = existingAccountsForSite.filter((account) => sameUsername(account.username, submitted.username));
  if (sameUser.length === 0) return 'save';
  return sameUser.some((account) => account.password === submitted.password) ? 'none' : 'update';
}

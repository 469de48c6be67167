import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { defaultKdfParams, type RegisterBody } from '@secureaccess/shared/contract';
import { deriveKeys, encodeBase64, generateUserKey, initialKeyVersion, makeRecoveryKit, randomBytes, wrapUserKey } from '@secureaccess/shared/crypto';
import { makeRegistration } from '../helpers/auth';
import { catchDownload, launchExtensionBrowser, screenshot, type ExtensionBrowser } from './support/browser';
import { logInAs, type AdminSession } from './support/api-client';
import { PopupPage } from './support/popup-page';
import { startSignedInWorld, type E2eWorld } from './support/session';
import { waitUntil } from './support/wait';

// The admin console's people sections (issue 10: Users, Audit, Organisation) and every user's own
// Activity (issue 9) in real Chromium against the real API: the admin signed up in the popup is the
// first user, so an admin; Grace is a second user registered through the API.

/**
 * A registration as the extension makes it, with the protocol's KDF (the API helpers' users use
 * tiny test parameters, so no real client could log in as them; Grace must log in from a browser).
 */
async function realRegistration(person: { email: string; firstName: string; lastName: string; password: string }): Promise<RegisterBody> {
  const salt = encodeBase64(randomBytes(16));
  const { authHash, wrapKey } = await deriveKeys(person.password, salt, defaultKdfParams);
  const userKey = generateUserKey();
  const [wrappedUserKey, kit] = await Promise.all([wrapUserKey(wrapKey, userKey, initialKeyVersion), makeRecoveryKit(userKey, initialKeyVersion)]);
  const { email, firstName, lastName } = person;
  return { email, firstName, lastName, authHash, kdf: defaultKdfParams, salt, wrappedUserKey, recovery: kit.recovery };
}
describe('admin console: users, audit log, organisation settings; activity for everyone', () => {
  let world: E2eWorld;
  let admin: AdminSession;
  let options: Page;
  const grace = { email: `grace.${process.pid}@example.com`, firstName: 'Grace', lastName: 'Hopper', password: 'a long grace hopper passphrase 1906' };
  let graceId: string;
  let graceBrowser: ExtensionBrowser | undefined;

  const register = async (body: unknown) =>
    fetch(`${world.api.url}/api/v1/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const graceOnServer = async () =>
    (await admin.call<{ users: { id: string; role: string; status: string }[] }>('GET', `/admin/users?q=${encodeURIComponent(grace.email)}`)).body.users[0]!;
  /** Grace logging in with the real protocol: the status the API answers. */
  const graceLogin = async () => {
    try {
      await logInAs(world.api.url, grace.email, grace.password);
      return 200;
    } catch (error) {
      return Number(/login answered (\d+)/.exec(String(error))?.[1] ?? 0);
    }
  };
  /** The dark theme, as the Preferences section leaves it after saving (storage.local `display`). */
  const setTheme = async (theme: 'light' | 'dark', language: 'en' | 'es' = 'en') => {
    await world.browser.setStorage('local', { display: { theme, language } });
    await waitUntil(
      () => options.evaluate(() => [document.documentElement.dataset.theme, document.documentElement.lang]),
      ([current, lang]) => current === theme && lang === language,
      `the ${theme} theme in ${language}`,
    );
  };
  const openSection = async (id: string, heading: string) => {
    await options.goto(options.url().replace(/#.*$/, `#${id}`));
    await options.getByRole('heading', { level: 1, name: heading }).waitFor();
  };
  /** Light, then dark, then light again: every section is checked in both themes. */
  const screenshotBothThemes = async (name: string) => {
    await screenshot(options, `options-${name}-light`);
    await setTheme('dark');
    await screenshot(options, `options-${name}-dark`);
    await setTheme('light');
  };

  beforeAll(async () => {
    // The paging test registers 26 users and the others log in often: above the default 20 auth
    // requests a minute per address, which would answer 429 on a fast machine.
    world = await startSignedInWorld({ AUTH_RATE_LIMIT_MAX: '500' });
    admin = await logInAs(world.api.url, world.person.email, world.person.password);
    const registered = await register(await realRegistration(grace));
    expect(registered.status).toBe(201);
    graceId = ((await registered.json()) as { user: { id: string } }).user.id;
    expect(await graceLogin()).toBe(200);
    options = await world.browser.openExtensionPage('options.html#users');
    await options.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
  });
  afterAll(async () => {
    await graceBrowser?.close();
    await world?.close();
  });

  test('when the admin finds Grace, makes her a reader and locks her, then the server has it and her login is refused; unlocked, it works again', async () => {
    await options.getByRole('searchbox', { name: 'Search users' }).fill('hopper');
    await options.getByRole('button', { name: 'Search' }).click();
    const rows = options.getByTestId('users-table').locator('tbody tr');
    await waitUntil(() => rows.count(), (n) => n === 1, 'only Grace in the search result');
    await options.getByText(grace.email).waitFor();

    await options.getByRole('combobox', { name: `Role of ${grace.email}` }).selectOption({ label: 'Reader' });
    await options.getByRole('status').getByText(`Saved: ${grace.email} is now Reader, Active.`).waitFor();
    expect(await graceOnServer()).toMatchObject({ role: 'reader', status: 'active' });
    await screenshotBothThemes('users');

    await options.getByRole('button', { name: `Lock ${grace.email}: they cannot sign in and their sessions end` }).click();
    await options.getByRole('status').getByText(`Saved: ${grace.email} is now Reader, Locked.`).waitFor();
    expect(await graceOnServer()).toMatchObject({ status: 'locked' });
    expect(await graceLogin()).toBe(423);

    await options.getByRole('button', { name: `Unlock ${grace.email}` }).click();
    await options.getByRole('status').getByText(`Saved: ${grace.email} is now Reader, Active.`).waitFor();
    expect(await graceOnServer()).toMatchObject({ status: 'active' });
    expect(await graceLogin()).toBe(200);
  });

  test('when the admin deactivates Linus after confirming, then his open session is refused at once and he cannot log in', async () => {
    const linus = { email: `linus.${process.pid}@example.com`, firstName: 'Linus', lastName: 'Pauling', password: 'a long linus pauling passphrase 1901' };
    expect((await register(await realRegistration(linus))).status).toBe(201);
    const session = await logInAs(world.api.url, linus.email, linus.password);
    expect((await session.call('GET', '/accounts')).status).toBe(200);
    await options.getByRole('searchbox', { name: 'Search users' }).fill('pauling');
    await options.getByRole('button', { name: 'Search' }).click();

    await options.getByRole('button', { name: `Deactivate ${linus.email}` }).click();
    const confirm = options.getByRole('alertdialog');
    await confirm.getByText(`Deactivate ${linus.email}? Every session of theirs ends now`).waitFor();
    await screenshot(options, 'options-users-confirm-deactivate');
    await confirm.getByRole('button', { name: 'Deactivate' }).click();

    await options.getByRole('status').getByText(`Saved: ${linus.email} is now Editor, Deactivated.`).waitFor();
    expect((await session.call('GET', '/accounts')).status).toBe(401);
    await expect(logInAs(world.api.url, linus.email, linus.password)).rejects.toThrow(/login answered 403/);
    await options.getByRole('button', { name: `Reactivate ${linus.email}` }).waitFor();
  });

  test('when the only admin tries to make themself an editor, then the refusal is explained and they stay admin', async () => {
    await options.getByRole('searchbox', { name: 'Search users' }).fill(world.person.email);
    await options.getByRole('button', { name: 'Search' }).click();
    const own = options.getByRole('combobox', { name: `Role of ${world.person.email}` });
    await own.waitFor();

    await own.selectOption({ label: 'Editor' });

    await options.getByTestId('people-error').getByText('This is the only active admin. Make another user admin first, then change this one.').waitFor();
    expect(await own.inputValue()).toBe('admin');
    const me = (await admin.call<{ users: { role: string }[] }>('GET', `/admin/users?q=${encodeURIComponent(world.person.email)}`)).body.users[0]!;
    expect(me.role).toBe('admin');
    await screenshot(options, 'options-users-last-admin');
  });

  test('when sign-ups are closed in Organisation, then a registration through the API is refused; reopened, it is accepted', async () => {
    await openSection('organisation', 'Organisation');
    const signups = options.getByRole('checkbox', { name: 'Anyone who reaches this server can create an account' });
    await signups.waitFor();
    expect(await signups.isChecked()).toBe(true);

    await signups.uncheck();
    await options.getByRole('status').getByText('Saved.').waitFor();
    const settings = async () => (await admin.call<{ settings: { signupsOpen: boolean } }>('GET', '/admin/settings')).body.settings;
    expect(await settings()).toMatchObject({ signupsOpen: false });
    const closed = await register((await makeRegistration()).registerBody);
    expect(closed.status).toBe(403);
    expect(((await closed.json()) as { error: { code: string } }).error.code).toBe('registration_closed');
    await screenshotBothThemes('organisation');

    await signups.check();
    await waitUntil(settings, (s) => s.signupsOpen, 'sign-ups open again on the server');
    expect((await register((await makeRegistration()).registerBody)).status).toBe(201);
  });

  /** The audit log filtered to Grace's sign-ins: its rows, once there are three (before, during and after the lock). */
  const graceSignIns = async () => {
    await openSection('audit', 'Audit log');
    await options.getByTestId('chain-status').getByText(/^Chain verified — all \d+ entries intact\./).waitFor();
    await options.getByRole('textbox', { name: 'User email' }).fill(grace.email);
    await options.getByRole('combobox', { name: 'Action' }).selectOption({ label: 'Signed in' });
    await options.getByRole('button', { name: 'Apply filters' }).click();
    const rows = options.getByTestId('audit-table').locator('tbody tr');
    await waitUntil(() => rows.count(), (n) => n === 3, 'Grace’s three sign-ins');
    return rows;
  };

  test('when the audit log is filtered by Grace and sign-ins, then only those show, the refusal in words, and the chain is verified — in English and in Spanish', async () => {
    const rows = await graceSignIns();
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action')))).toEqual(['auth.login', 'auth.login', 'auth.login']);
    expect(await rows.locator('td:nth-child(2)').allTextContents()).toEqual([grace.email, grace.email, grace.email]);
    expect(await rows.getByText('Failed', { exact: true }).count()).toBe(1);
    // The refused one reads as a refusal, with the server's reason in words.
    await rows.filter({ hasText: 'Sign-in refused' }).getByText('the account is locked').waitFor();
    await screenshotBothThemes('audit');
    // The same page in Spanish (dark): the sentences, headings and chain status are translated.
    await setTheme('dark', 'es');
    await options.getByRole('heading', { level: 1, name: 'Registro de auditoría' }).waitFor();
    await options.getByTestId('chain-status').getByText(/^Cadena verificada/).waitFor();
    await rows.filter({ hasText: 'Inicio de sesión rechazado' }).getByText('la cuenta está bloqueada').waitFor();
    await screenshot(options, 'options-audit-es-dark');
    await setTheme('light');
    await options.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
  });

  test('when the filtered audit log is exported, then the CSV has the same rows; an email nobody has is said in words', async () => {
    await graceSignIns();
    const download = await catchDownload(world.browser.context, () => options.getByRole('button', { name: 'Export CSV' }).click());
    const csv = await readFile(download.path, 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(download.suggestedFilename).toMatch(/^audit-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(lines[0]).toBe('id,createdAt,userId,action,targetType,targetId,success,ip,userAgent,details');
    expect(lines.slice(1).map((line) => line.split(',').slice(2, 4))).toEqual([
      [graceId, 'auth.login'],
      [graceId, 'auth.login'],
      [graceId, 'auth.login'],
    ]);
    await options.getByRole('status').getByText(`Downloaded ${download.suggestedFilename}.`).waitFor();

    // An email nobody has is said in words, not shown as an empty log.
    await options.getByRole('textbox', { name: 'User email' }).fill('nobody@example.com');
    await options.getByRole('button', { name: 'Apply filters' }).click();
    await options.getByRole('alert').getByText('No user has the email nobody@example.com.').waitFor();
  });

  test('when there are more users and events than a page holds, then "show more" brings the next pages, each row once', async () => {
    // 26 more users (a page of the Users section is 25) and 55 settings changes (an audit page is 50).
    for (let i = 0; i < 26; i += 1) {
      expect((await register((await makeRegistration({ firstName: 'Paged', lastName: `Person${i}`, email: `paged.${i}.${process.pid}@example.com` })).registerBody)).status).toBe(201);
    }
    for (let i = 0; i < 55; i += 1) {
      expect((await admin.call('PUT', '/admin/settings', { signupsOpen: true, defaultApplicationAccess: i % 2 === 0 ? 'declined' : 'granted' })).status).toBe(200);
    }

    await openSection('users', 'Users');
    await options.getByRole('searchbox', { name: 'Search users' }).fill('paged.');
    await options.getByRole('button', { name: 'Search' }).click();
    const userRows = options.getByTestId('users-table').locator('tbody tr');
    await waitUntil(() => userRows.count(), (n) => n === 25, 'the first page of users');
    await options.getByRole('button', { name: 'Show more users' }).click();
    await waitUntil(() => userRows.count(), (n) => n === 26, 'the second page of users');
    expect(new Set(await userRows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-email')))).size).toBe(26);
    expect(await options.getByRole('button', { name: 'Show more users' }).count()).toBe(0);

    await openSection('audit', 'Audit log');
    await options.getByRole('button', { name: 'Clear' }).click();
    await options.getByRole('combobox', { name: 'Action' }).selectOption({ label: 'Changed the organisation settings' });
    await options.getByRole('button', { name: 'Apply filters' }).click();
    const auditRows = options.getByTestId('audit-table').locator('tbody tr');
    await waitUntil(() => auditRows.count(), (n) => n === 50, 'the first page of events');
    await options.getByRole('button', { name: 'Show older events' }).click();
    // The 55 above and the two of the sign-ups test.
    await waitUntil(() => auditRows.count(), (n) => n === 57, 'the older events');
    expect(await options.getByRole('button', { name: 'Show older events' }).count()).toBe(0);
  });

  test('when Grace opens the options page, then she sees Preferences and Activity only, and her own events as sentences', async () => {
    // A retry of this test must not leave the previous attempt's browser running (it keeps Jest alive).
    await graceBrowser?.close();
    graceBrowser = await launchExtensionBrowser();
    const popup = new PopupPage(await graceBrowser.openPopup());
    await popup.waitForPhase('setup');
    await popup.setUpServer(world.api.url);
    await popup.waitForPhase('logged-out');
    await popup.logIn(grace.email, grace.password);
    await popup.waitForPhase('unlocked', 60_000);
    await popup.page.close();

    const page = await graceBrowser.openExtensionPage('options.html#activity');
    await page.getByRole('heading', { level: 1, name: 'Activity' }).waitFor();
    const nav = page.getByRole('navigation');
    // Every section a signed-in person has, none of the admin console's.
    const links = await nav.getByRole('link').allTextContents();
    expect(links).toEqual(expect.arrayContaining(['Preferences', 'Activity']));
    for (const adminOnly of ['Users', 'Audit log', 'Organisation', 'Catalogue']) expect(links).not.toContain(adminOnly);
    const rows = page.getByTestId('audit-table').locator('tbody tr');
    await waitUntil(() => rows.count(), (n) => n >= 5, 'Grace’s events');
    const actions = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action')));
    // Her own: registration and sign-ins. The admin's changes to her are the admin's events, not hers.
    expect(new Set(actions)).toEqual(new Set(['auth.register', 'auth.login']));
    await page.getByRole('cell', { name: 'Created the account' }).waitFor();
    // Four sign-ins: the API's three (one refused while locked) and the popup's.
    expect(actions.filter((a) => a === 'auth.login')).toHaveLength(4);
    expect(await page.getByRole('cell', { name: 'Signed in', exact: true }).count()).toBe(3);
    await page.getByRole('cell', { name: 'Sign-in refused the account is locked' }).waitFor();
    await screenshot(page, 'options-activity-light');

    await page.getByRole('combobox', { name: 'Result' }).selectOption({ label: 'Failed' });
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitUntil(() => rows.count(), (n) => n === 1, 'her one refused sign-in');
    await graceBrowser.setStorage('local', { display: { theme: 'dark', language: 'en' } });
    await waitUntil(() => page.evaluate(() => document.documentElement.dataset.theme), (theme) => theme === 'dark', 'the dark theme');
    await screenshot(page, 'options-activity-dark');

    // An admin section's address does not open it for her.
    await page.goto(page.url().replace(/#.*$/, '#users'));
    await page.getByRole('heading', { level: 1, name: 'Preferences' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Users' }).count()).toBe(0);
  });
});

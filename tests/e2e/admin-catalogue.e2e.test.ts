import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { normalizeUrl } from '@secureaccess/shared/matcher';
import { repoRoot } from './support/api-server';
import { logInAs, type AdminSession } from './support/api-client';
import { catchDownload, launchExtensionBrowser, screenshot, toolbarBadge, type ExtensionBrowser } from './support/browser';
import { InlineMenu } from './support/inline-menu';
import { PopupPage } from './support/popup-page';
import { newPerson, startSignedInWorld, type E2eWorld } from './support/session';
import { waitUntil } from './support/wait';


interface ApiApplication {
  id: string;
  name: string;
  url: string;
  access: 'granted' | 'declined';
  isActive: boolean;
  accessDeclinedValue: string;
  matchPatterns: string[];
}

// The admin console's Catalogue section against the real API, with two browser profiles: the
// admin's (the world's browser) and another person's (a second browser launched here). What the
// admin does in the console reaches the other person's extension at its next use, without any
// reload; the console's table stays fast at 10 000 applications; CSV and bulk changes are audited.
describe('admin console: the application catalogue', () => {
  let world: E2eWorld;
  let admin: AdminSession;
  let console_: Page;
  let other: ExtensionBrowser;
  const otherPerson = newPerson();
  const otherAccount = { username: 'bea@login.test', password: 'Bea-s3cret-passw0rd!' };
  const declinedValue = 'Blocked by IT policy';

  const url = (host: string, pathname: string) => world.pages.url(host, pathname);
  const applications = async () => (await admin.call<{ applications: ApiApplication[] }>('GET', '/applications')).body.applications;
  const applicationNamed = async (name: string) => (await applications()).find((application) => application.name === name);
  const row = (name: string) => console_.getByTestId('catalogue-row').filter({ has: console_.getByRole('cell', { name, exact: true }) });
  const search = (query: string) => console_.getByRole('searchbox', { name: 'Search applications' }).fill(query);
  const fieldValues = (page: Page) => Promise.all(['#username', '#password'].map((selector) => page.locator(selector).inputValue()));

  async function openConsole(): Promise<void> {
    await console_.goto(console_.url().replace(/#.*$/, '#catalogue'));
    await console_.reload();
    await console_.getByRole('heading', { name: 'Catalogue' }).waitFor();
    await console_.getByTestId('catalogue-table').waitFor();
  }

  beforeAll(async () => {
    world = await startSignedInWorld();
    admin = await logInAs(world.api.url, world.person.email, world.person.password);

    // The second profile: another person (the second to sign up, so an editor) saves a login for
    // login.test, which files it under a new catalogue application of that name.
    other = await launchExtensionBrowser();
    const popup = new PopupPage(await other.openPopup());
    await popup.waitForPhase('setup');
    await popup.setUpServer(world.api.url);
    await popup.waitForPhase('logged-out');
    await popup.signUp(otherPerson);
    await popup.addAccount({ url: url('login.test', '/login.html'), ...otherAccount });
    await popup.page.close();
    expect(await applicationNamed('login.test')).toBeDefined();

    console_ = await world.browser.openExtensionPage('options.html#catalogue');
    await console_.getByRole('heading', { name: 'Catalogue' }).waitFor();
    await console_.getByTestId('catalogue-table').waitFor();
  });
  afterAll(async () => {
    await other?.close();
    await world?.close();
  });

  test('when the admin declines an application in the console, then the other profile\'s next fill (popup, inline menu, shortcut), reveal and copy are refused with the declined value, and re-granting restores them — no reload', async () => {
    // The declined value is set through the console's edit form.
    await search('login.test');
    await row('login.test').getByRole('button', { name: 'Edit login.test' }).click();
    const form = console_.getByTestId('catalogue-form');
    await form.getByRole('textbox', { name: 'Value reported when declined' }).fill(declinedValue);
    await form.getByRole('button', { name: 'Save changes' }).click();
    await console_.getByTestId('catalogue-notice').getByText('login.test saved.').waitFor();
    expect((await applicationNamed('login.test'))!.accessDeclinedValue).toBe(declinedValue);

    // The other profile's popup, open on the login page before the decline (it shows Fill enabled).
    const page = await other.context.newPage();
    await page.goto(url('login.test', '/login.html'));
    const popup = new PopupPage(await other.openPopup(page));
    await popup.waitForPhase('unlocked');
    await popup.matchingAccounts().first().waitFor();
    expect(await popup.page.getByTestId('fill').isEnabled()).toBe(true);

    const accessSwitch = row('login.test').getByRole('switch', { name: 'Access granted for login.test' });
    expect(await accessSwitch.getAttribute('aria-checked')).toBe('true');
    const toggledAt = Date.now();
    await accessSwitch.click();
    await console_.waitForFunction(
      () => document.querySelector('[data-testid="catalogue-row"] [role="switch"][aria-label="Access granted for login.test"]')?.getAttribute('aria-checked') === 'false',
    );
    const savedAt = Date.now();
    await popup.fill(otherAccount.username);
    const refusal = popup.page.getByTestId('popup-message');
    await refusal.getByText(declinedValue, { exact: false }).waitFor();
    const refusedAt = Date.now();
    console.log(`[admin-catalogue] decline → saved on the server: ${savedAt - toggledAt} ms; decline → refused fill in the other profile: ${refusedAt - toggledAt} ms`);
    expect(await fieldValues(page)).toEqual(['', '']);
    await screenshot(popup.page, 'admin-catalogue-other-profile-refused');

    // The inline menu on the field and the keyboard shortcut ask the same rule: both refuse, with the value.
    await page.bringToFront();
    await page.click('#username');
    const menu = await InlineMenu.of(page);
    await menu.blocked().getByText(declinedValue, { exact: false }).waitFor();
    expect(await menu.accounts().count()).toBe(0);
    await other.pressShortcut('fill-login', page);
    const badge = await waitUntil(() => toolbarBadge(other, page), (answer) => answer.badge !== '', 'the shortcut refusal badge');
    expect(badge.title).toContain(declinedValue);
    expect(await fieldValues(page)).toEqual(['', '']);

    // Copy and reveal ask the same rule, freshly: both refused, with the admin's value.
    await popup.accountAction(otherAccount.username, 'Copy password');
    await popup.page.locator('.sa-alert-error[role="alert"]').getByText(declinedValue, { exact: false }).waitFor();
    await popup.matchingAccounts().first().locator('.account-open').click();
    await popup.page.getByTestId('account-details').waitFor();
    await popup.page.getByRole('button', { name: 'Show password' }).click();
    await popup.page.locator('[data-testid="account-details"] .sa-alert-error[role="alert"]').getByText(declinedValue, { exact: false }).waitFor();
    expect(await popup.page.getByTestId('details-password').textContent()).not.toContain(otherAccount.password);
    await popup.page.getByRole('button', { name: 'Back' }).click();

    // Re-granted in the console: the same open popup reveals, copies and fills again.
    const regrantedAt = Date.now();
    await accessSwitch.click();
    await console_.waitForFunction(
      () => document.querySelector('[data-testid="catalogue-row"] [role="switch"][aria-label="Access granted for login.test"]')?.getAttribute('aria-checked') === 'true',
    );
    await popup.matchingAccounts().first().locator('.account-open').click();
    await popup.page.getByRole('button', { name: 'Show password' }).click();
    await popup.page.getByTestId('details-password').getByText(otherAccount.password).waitFor();
    console.log(`[admin-catalogue] re-grant → reveal allowed again: ${Date.now() - regrantedAt} ms`);
    await popup.page.getByRole('button', { name: 'Back' }).click();
    await popup.accountAction(otherAccount.username, 'Copy password');
    await popup.page.getByTestId('popup-message').getByText(/Password copied/).waitFor();
    expect(await other.readClipboard(popup.page)).toBe(otherAccount.password);
    await popup.fill(otherAccount.username);
    await page.waitForFunction(() => (document.getElementById('password') as HTMLInputElement).value !== '');
    expect(await fieldValues(page)).toEqual([otherAccount.username, otherAccount.password]);
    await page.close();

    // Re-granted: the inline menu offers the account again and the shortcut fills, in a fresh tab.
    const again = await other.context.newPage();
    await again.goto(url('login.test', '/login.html'));
    await again.click('#username');
    const menuAgain = await InlineMenu.of(again);
    await menuAgain.account(otherAccount.username).waitFor();
    await again.keyboard.press('Escape');
    await other.pressShortcut('fill-login', again);
    await again.waitForFunction(() => (document.getElementById('password') as HTMLInputElement).value !== '');
    expect(await fieldValues(again)).toEqual([otherAccount.username, otherAccount.password]);
    await again.close();

    // Each toggle is one audited change, old and new value.
    const login = (await applicationNamed('login.test'))!;
    const audit = await admin.call<{ entries: { details: { old?: Record<string, unknown>; new?: Record<string, unknown> } }[] }>(
      'GET',
      `/admin/audit?action=application.update&targetId=${login.id}`,
    );
    const accessChanges = audit.body.entries.filter((entry) => entry.details.new?.access !== undefined).map((entry) => [entry.details.old?.access, entry.details.new?.access]);
    expect(accessChanges).toEqual([
      ['declined', 'granted'],
      ['granted', 'declined'],
    ]);
  });

  test('when the admin edits the match rules, then the test-a-URL box shows which application matches and by which rule, before saving', async () => {
    await openConsole();
    await search('login.test');
    await row('login.test').getByRole('button', { name: 'Edit login.test' }).click();
    const form = console_.getByTestId('catalogue-form');
    await form.getByRole('combobox', { name: 'Match strategy' }).selectOption('regex');
    expect(await form.getByText('matched against the whole page URL', { exact: false }).count()).toBe(1);
    await form.getByRole('textbox', { name: 'Extra patterns' }).fill('https://never\\.test/.*\nhttps?://login\\.test(:\\d+)?/login\\.html');
    await form.getByRole('textbox', { name: 'Page URL', exact: true }).fill(url('login.test', '/login.html'));
    const result = console_.getByTestId('catalogue-test-result');
    await result.getByText('Matched by regular expression 2', { exact: false }).waitFor();
    expect(await result.textContent()).toContain('login.test (this form)');
    await result.scrollIntoViewIfNeeded();
    await screenshot(console_, 'admin-catalogue-edit-light');

    // A lookaround is refused with the reason, before anything is sent.
    await form.getByRole('textbox', { name: 'Extra patterns' }).fill('https://login\\.test/(?=x)');
    await console_.getByTestId('pattern-problems').getByText('Pattern 1 is not a usable RE2 expression', { exact: false }).waitFor();
    await form.getByRole('button', { name: 'Cancel' }).click();
    expect((await applicationNamed('login.test'))!.matchPatterns).toEqual([]);
  });

  test('when a CSV is exported, edited and imported, then new rows are added and changed rows updated; bulk decline then changes every selected one, each audited', async () => {
    await openConsole();
    await search('');
    const download = await catchDownload(world.browser.context, () => console_.getByRole('button', { name: 'Export CSV' }).click());
    const exported = readFileSync(download.path, 'utf8');
    expect(exported.split('\r\n')[0]).toBe('\uFEFFid,name,url,match_strategy,match_patterns,is_active,access,access_granted_value,access_declined_value');
    const loginLine = exported.split('\r\n').find((line) => line.includes(',login.test,'))!;
    expect(loginLine).toContain(declinedValue);

    const edited = [
      exported.split('\r\n')[0],
      loginLine.replace(',login.test,', ',Login (renamed),'),
      ',CSV shop,https://csv-shop.test/,host,,true,granted,ok,Ask IT',
      ',CSV mail,https://csv-mail.test/,,,,,,',
      ',Broken,not a url,,,,,,',
    ].join('\r\n');
    await console_.locator('input[name="catalogueImport"]').setInputFiles({ name: 'catalogue.csv', mimeType: 'text/csv', buffer: Buffer.from(edited) });
    const preview = console_.getByTestId('catalogue-import-preview');
    await preview.getByText('3 rows are ready to import; 1 rows have problems', { exact: false }).waitFor();
    expect(await preview.textContent()).toContain('Line 5: url');
    await preview.getByRole('button', { name: 'Import 3 rows' }).click();
    await console_.getByTestId('catalogue-notice').getByText('Import finished: 2 added, 1 updated, 0 unchanged, 0 failed.').waitFor();
    const afterImport = await applications();
    expect(afterImport.find((a) => a.name === 'Login (renamed)')).toBeDefined();
    expect(afterImport.find((a) => a.name === 'CSV shop')).toMatchObject({ url: 'https://csv-shop.test/', access: 'granted', accessDeclinedValue: 'Ask IT' });
    expect(afterImport.find((a) => a.name === 'CSV mail')).toBeDefined();

    await search('csv');
    await console_.getByTestId('catalogue-count').getByText('2 of', { exact: false }).waitFor();
    await console_.getByRole('checkbox', { name: 'Select CSV shop' }).check();
    await console_.getByRole('checkbox', { name: 'Select CSV mail' }).check();
    await console_.getByTestId('catalogue-bulk').getByRole('button', { name: 'Decline access' }).click();
    await console_.getByTestId('catalogue-notice').getByText('2 applications changed.').waitFor();
    const afterBulk = await applications();
    for (const name of ['CSV shop', 'CSV mail']) {
      const application = afterBulk.find((a) => a.name === name)!;
      expect(application.access).toBe('declined');
      const audit = await admin.call<{ entries: { details: { new?: { access?: string } } }[] }>('GET', `/admin/audit?action=application.update&targetId=${application.id}`);
      expect(audit.body.entries[0]!.details.new).toEqual({ access: 'declined' });
      const created = await admin.call<{ entries: unknown[] }>('GET', `/admin/audit?action=application.create&targetId=${application.id}`);
      expect(created.body.entries).toHaveLength(1);
    }
    expect(afterBulk.find((a) => a.name === 'Login (renamed)')!.access).toBe('granted');
  });

  test('when a person who is not an admin opens the settings, then there is no Catalogue section, and the API refuses their catalogue edits', async () => {
    const options = await other.openExtensionPage('options.html#catalogue');
    await options.getByRole('heading', { name: 'Preferences' }).waitFor();
    expect(await options.getByRole('navigation').getByRole('link', { name: 'Catalogue' }).count()).toBe(0);
    expect(await options.getByTestId('catalogue-table').count()).toBe(0);
    await options.close();

    const editor = await logInAs(world.api.url, otherPerson.email, otherPerson.password);
    const target = (await applicationNamed('CSV shop'))!;
    const refused = await editor.call<{ error: { code: string } }>('PATCH', `/applications/${target.id}`, { access: 'granted' });
    expect(refused.status).toBe(403);
    expect((await applicationNamed('CSV shop'))!.access).toBe('declined');
  });

  test('when the catalogue holds 10 000 applications, then a keystroke in the search filters the table (time measured and printed), and the section is shot light and dark', async () => {
    const added = await insertApplicationsDirectly(world.api.dataDir, 10_000);
    await openConsole();
    const total = (await applications()).length;
    expect(total).toBeGreaterThanOrEqual(added);
    await console_.getByTestId('catalogue-count').getByText(`${total} applications`).waitFor({ timeout: 30_000 });
    expect(await console_.getByTestId('catalogue-row').count()).toBe(50);

    const searchbox = console_.getByRole('searchbox', { name: 'Search applications' });
    await searchbox.fill('');
    await searchbox.focus();
    // Each keystroke narrows (or, deleting, widens) the result, so each one changes the table.
    const timings: number[] = [];
    for (const key of [...'04217', 'Backspace', 'Backspace', 'Backspace', ...'999']) {
      timings.push(await measureKeystroke(console_, key));
    }
    await searchbox.fill('');
    await searchbox.focus();
    for (const key of '04217') await console_.keyboard.press(key);
    const sortedTimings = [...timings].sort((a, b) => a - b);
    console.log(
      `[admin-catalogue] keystroke → filtered table at ${total} applications: ${timings.map((ms) => ms.toFixed(1)).join(', ')} ms ` +
        `(median ${sortedTimings[Math.floor(sortedTimings.length / 2)]!.toFixed(1)}, max ${sortedTimings[sortedTimings.length - 1]!.toFixed(1)})`,
    );
    await console_.getByTestId('catalogue-count').getByText(`1 of ${total} applications`).waitFor();
    expect(await console_.getByTestId('catalogue-row').count()).toBe(1);

    // Sorting the 10 000 by URL, descending, and paging on.
    await searchbox.fill('');
    await console_.getByRole('button', { name: 'URL', exact: true }).click();
    await console_.getByRole('button', { name: 'URL', exact: true }).click();
    await console_.getByRole('columnheader', { name: 'URL' }).and(console_.locator('[aria-sort="descending"]')).waitFor();
    await console_.getByRole('navigation', { name: 'Pages' }).getByRole('button', { name: 'Next' }).click();
    await console_.getByTestId('catalogue-page').getByText(`51–100 of ${total}`, { exact: false }).waitFor();

    await console_.getByRole('button', { name: 'Name', exact: true }).click();
    await console_.getByRole('checkbox', { name: 'Select every application on this page' }).check();
    await screenshot(console_, 'admin-catalogue-light');
    await setTheme(console_, 'Dark');
    await openConsole();
    await console_.getByTestId('catalogue-count').getByText(`${total} applications`).waitFor({ timeout: 30_000 });
    await screenshot(console_, 'admin-catalogue-dark');
    await console_.getByTestId('catalogue-row').first().getByRole('button', { name: /^Edit / }).click();
    await console_.getByRole('textbox', { name: 'Page URL', exact: true }).fill(url('login.test', '/login.html'));
    await console_.getByTestId('catalogue-test-result').locator('li').first().waitFor();
    await console_.getByTestId('catalogue-test-result').scrollIntoViewIfNeeded();
    await screenshot(console_, 'admin-catalogue-edit-dark');
    await setTheme(console_, 'Light');
  });

  async function setTheme(page: Page, label: 'Dark' | 'Light'): Promise<void> {
    await page.goto(page.url().replace(/#.*$/, '#preferences'));
    const theme = page.getByRole('combobox', { name: 'Theme' });
    await theme.waitFor();
    await theme.selectOption({ label });
    await page.waitForFunction((dark) => (document.documentElement.dataset.theme === 'dark') === dark, label === 'Dark');
  }
});

/**
 * Time from a key going down in the search box to the table showing its result (the count line
 * and the rows change; measured to the next animation frame after the change, i.e. when it can
 * be painted), in the page's own clock.
 */
async function measureKeystroke(page: Page, key: string): Promise<number> {
  await page.evaluate(() => {
    const input = document.querySelector<HTMLInputElement>('input[name="catalogueSearch"]')!;
    const watched = [document.querySelector('[data-testid="catalogue-count"]')!, document.querySelector('[data-testid="catalogue-rows"]')!];
    (window as unknown as { keystroke: Promise<number> }).keystroke = new Promise<number>((resolve) => {
      let started = 0;
      input.addEventListener('keydown', () => (started = performance.now()), { once: true, capture: true });
      // A keystroke that changed nothing visible would never be observed: NaN after 5 s, printed as such.
      setTimeout(() => resolve(Number.NaN), 5_000);
      const observer = new MutationObserver(() => {
        if (started === 0) return;
        observer.disconnect();
        requestAnimationFrame(() => resolve(performance.now() - started));
      });
      for (const node of watched) observer.observe(node, { childList: true, subtree: true, characterData: true });
    });
  });
  await page.keyboard.press(key);
  return page.evaluate(() => (window as unknown as { keystroke: Promise<number> }).keystroke);
}

/**
 * Adds `count` applications straight into the API's SQLite file (10 000 through POST would spend
 * minutes on audit rows that this test does not look at), copying the timestamp format of an
 * existing row, and moves the catalogue revision on as every change through the API does, so
 * the extensions' conditional GET fetches the new catalogue.
 */
async function insertApplicationsDirectly(dataDir: string, count: number): Promise<number> {
  // The server's own SQLite driver (Node 20 has no node:sqlite).
  const sqlite3 = require(path.join(repoRoot, 'server/node_modules/sqlite3')) as { // eslint-disable-line @typescript-eslint/no-require-imports
    Database: new (file: string) => {
      run(sql: string, params: unknown[], callback: (error: Error | null) => void): void;
      get(sql: string, params: unknown[], callback: (error: Error | null, row: unknown) => void): void;
      close(callback: (error: Error | null) => void): void;
    };
  };
  const db = new sqlite3.Database(path.join(dataDir, 'secureaccess.sqlite'));
  const run = (sql: string, params: unknown[] = []) => new Promise<void>((resolve, reject) => db.run(sql, params, (error) => (error ? reject(error) : resolve())));
  const get = (sql: string) => new Promise<unknown>((resolve, reject) => db.get(sql, [], (error, row) => (error ? reject(error) : resolve(row))));
  try {
    await run('PRAGMA busy_timeout = 10000');
    const template = (await get('SELECT uuid FROM application ORDER BY id LIMIT 1')) as { uuid: string };
    await run('BEGIN IMMEDIATE');
    for (let i = 0; i < count; i++) {
      const number = String(i).padStart(5, '0');
      const appUrl = `https://app${number}.bulk${i % 97}.example/login`;
      const normalized = normalizeUrl(appUrl)!;
      await run(
        `INSERT INTO application (uuid, name, url, host, base_domain, match_strategy, match_patterns, is_active, access,
           access_granted_value, access_declined_value, created_by, created_at, updated_at)
         SELECT ?, ?, ?, ?, ?, 'base_domain', NULL, 1, 'granted', 'granted', 'declined', created_by, created_at, updated_at
         FROM application WHERE uuid = ?`,
        [randomUUID(), `Bulk ${number}`, appUrl, normalized.hostname, normalized.registrableDomain, template.uuid],
      );
    }
    await run("UPDATE settings SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE name = 'catalogue_revision'");
    await run('COMMIT');
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
  return count;
}

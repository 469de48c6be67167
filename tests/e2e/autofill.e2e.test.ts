import type { Frame, Page } from 'playwright-core';
import { waitUntil } from './support/wait';
import { chromiumOnly, countInlineFrames, extensionFrame, screenshot, typeInto, waitForInlineFrame } from './support/browser';
import { logInAs } from './support/api-client';
import { PopupPage } from './support/popup-page';
import { startSignedInWorld, type E2eWorld } from './support/session';

// One signed-in browser for the whole file: the flows build on each other the way a person's
// day does (add an account, fill it, save another, update it, then the hostile pages).
describe('autofill, save and update in real Chromium', () => {
  let world: E2eWorld;
  const ada = { username: 'ada@example.com', password: 'S3cret-pass!ada' };
  const secure = { username: 'ada@secure.example', password: 'Secure-site-pw-42' };

  const url = (host: string, path: string) => world.pages.url(host, path);

  async function openPage(address: string): Promise<Page> {
    const page = await world.browser.context.newPage();
    await page.goto(address);
    return page;
  }

  async function popupFor(page: Page): Promise<PopupPage> {
    const popup = new PopupPage(await world.browser.openPopup(page));
    await popup.waitForPhase('unlocked');
    return popup;
  }

  async function pickInline(page: Page, username: string): Promise<Frame> {
    const frame = await waitForInlineFrame(page);
    const option = frame.getByTestId('inline-account').filter({ hasText: username });
    await option.waitFor();
    // The menu ignores clicks in its first 400 ms (a page cannot slide it under a moving pointer).
    await page.waitForTimeout(500);
    await option.click();
    return frame;
  }

  async function values(page: Page | Frame, selectors = ['#username', '#password']): Promise<string[]> {
    return Promise.all(selectors.map((selector) => page.locator(selector).inputValue()));
  }

  beforeAll(async () => {
    world = await startSignedInWorld();
    const popup = new PopupPage(await world.browser.openPopup());
    await popup.waitForPhase('unlocked');
    await popup.addAccount({ url: url('login.test', '/'), ...ada });
    await popup.addAccount({ url: 'https://secure.test/', ...secure });
    await popup.page.close();
  });
  afterAll(async () => {
    await world?.close();
  });

  test('when the person picks the account in the inline menu, then both fields are filled and the page state sees them', async () => {
    const page = await openPage(url('login.test', '/login.html'));
    await page.click('#username');
    const frame = await waitForInlineFrame(page);
    await frame.getByTestId('inline-account').first().waitFor();
    await screenshot(page, 'inline-menu');
    await pickInline(page, ada.username);
    await page.waitForFunction(() => (document.getElementById('password') as HTMLInputElement).value !== '');
    expect(await values(page)).toEqual([ada.username, ada.password]);
    // The page's own input listeners (React-style controlled state) saw the values.
    expect(JSON.parse((await page.locator('#state').textContent()) ?? '{}')).toEqual({
      username: ada.username,
      passwordLength: ada.password.length,
    });
    // The menu removes its frame after the fill lands, asynchronously: wait for it to go.
    await waitUntil(() => countInlineFrames(page), (count) => count === 0, 'the inline menu to close after the fill', 10_000);
    await page.close();
  });

  test('when the person clicks Fill in the popup, then the matching account (listed first) is filled into the tab', async () => {
    const page = await openPage(url('login.test', '/login.html'));
    const popup = await popupFor(page);
    await popup.matchingAccounts().first().waitFor();
    expect(await popup.matchingAccounts().count()).toBe(1);
    await screenshot(popup.page, 'popup-vault-matching');
    await popup.fill(ada.username);
    await page.waitForFunction(() => (document.getElementById('password') as HTMLInputElement).value !== '');
    expect(await values(page)).toEqual([ada.username, ada.password]);
    await popup.page.close().catch(() => undefined);
    await page.close();
  });

  test('when the login has two steps, then the username step gets the username and the password step the password', async () => {
    const page = await openPage(url('login.test', '/step1.html'));
    await page.click('#username');
    await pickInline(page, ada.username);
    await page.waitForFunction(() => (document.getElementById('username') as HTMLInputElement).value !== '');
    expect(await page.locator('#username').inputValue()).toBe(ada.username);
    await page.click('#next');
    await page.waitForURL(/step2\.html/);
    await page.click('#password');
    await pickInline(page, ada.username);
    await page.waitForFunction(() => (document.getElementById('password') as HTMLInputElement).value !== '');
    expect(await page.locator('#password').inputValue()).toBe(ada.password);
    await page.close();
  });

  test('when the login form lives in a shadow root, then the inline menu fills it', async () => {
    const page = await openPage(url('login.test', '/shadow.html'));
    await page.locator('x-login #username').click();
    await pickInline(page, ada.username);
    await page.waitForFunction(() => {
      const root = document.querySelector('x-login')!.shadowRoot!;
      return (root.getElementById('password') as HTMLInputElement).value !== '';
    });
    expect(await values(page, ['x-login #username', 'x-login #password'])).toEqual([ada.username, ada.password]);
    await page.close();
  });

  test('when the form appears 2 s after load (SPA), then it is detected and filled', async () => {
    const page = await openPage(url('login.test', '/spa.html'));
    await page.locator('#username').waitFor({ timeout: 5000 });
    await page.click('#username');
    await pickInline(page, ada.username);
    await page.waitForFunction(() => (document.getElementById('password') as HTMLInputElement).value !== '');
    expect(await values(page)).toEqual([ada.username, ada.password]);
    await page.close();
  });

  test('when a new login is submitted, then "Save" is offered after the navigation and saves it', async () => {
    const page = await openPage(url('login.test', '/login.html'));
    await typeInto(page, '#username', 'grace@example.com');
    await typeInto(page, '#password', 'Gr4ce-first-password');
    await page.click('#submit');
    await page.waitForURL(/welcome\.html/);
    const bar = await waitForInlineFrame(page);
    await bar.getByTestId('inline-offer').waitFor();
    expect(await bar.getByTestId('inline-offer').textContent()).toContain('grace@example.com');
    await screenshot(page, 'save-offer');
    await page.waitForTimeout(500);
    await bar.getByRole('button', { name: 'Save', exact: true }).click();
    await bar.getByText('Login saved for login.test.').waitFor();
    const popup = await popupFor(await openPage(url('login.test', '/login.html')));
    await popup.account('grace@example.com').first().waitFor();
    await popup.page.close();
    await page.close();
  });

  test('when the same username logs in with a changed password, then "Update" is offered and the new password is filled next time', async () => {
    const page = await openPage(url('login.test', '/login.html'));
    await typeInto(page, '#username', 'grace@example.com');
    await typeInto(page, '#password', 'Gr4ce-second-password');
    await page.click('#submit');
    await page.waitForURL(/welcome\.html/);
    const bar = await waitForInlineFrame(page);
    await bar.getByText('Update password?').waitFor();
    await page.waitForTimeout(500);
    await bar.getByRole('button', { name: 'Update', exact: true }).click();
    await bar.getByText(/Password updated/).waitFor();

    const again = await openPage(url('login.test', '/login.html'));
    await again.click('#username');
    await pickInline(again, 'grace@example.com');
    await again.waitForFunction(() => (document.getElementById('password') as HTMLInputElement).value !== '');
    expect(await values(again)).toEqual(['grace@example.com', 'Gr4ce-second-password']);
    await again.close();
    await page.close();
  });

  test('when the person chose "never for this site", or typed one-character values, then no save is offered', async () => {
    const page = await openPage(url('never.test', '/login.html'));
    await typeInto(page, '#username', 'someone@never.test');
    await typeInto(page, '#password', 'never-save-this-1');
    await page.click('#submit');
    await page.waitForURL(/welcome\.html/);
    const bar = await waitForInlineFrame(page);
    await page.waitForTimeout(500);
    await bar.getByRole('button', { name: 'Never for this site' }).click();
    await bar.getByText(/will not offer to save logins on never\.test/).waitFor();
    expect((await world.browser.storage('local')).neverSites).toEqual(['never.test']);

    await page.goto(url('never.test', '/login.html'));
    await typeInto(page, '#username', 'someone@never.test');
    await typeInto(page, '#password', 'never-save-this-2');
    await page.click('#submit');
    await page.waitForURL(/welcome\.html/);

    // One-character values (keystrokes in progress, placeholders) are never offered.
    await page.goto(url('spa.test', '/spa.html'));
    await page.locator('#username').waitFor({ timeout: 5000 });
    await typeInto(page, '#username', 'x');
    await typeInto(page, '#password', 'y');
    await page.click('#submit');
    await page.locator('#done').waitFor();
    await page.waitForTimeout(2000);
    expect(await countInlineFrames(page)).toBe(0);
    await page.close();
  });

  describe('hostile pages get no silent fill', () => {
    // Firefox: Playwright's click over BiDi does not focus a field inside a cross-origin iframe (docs/extension.md, "Firefox").
    chromiumOnly('the driver cannot focus a field in a cross-origin frame')('cross-origin iframe: the menu asks first, naming the frame host, and nothing is filled before', async () => {
      const page = await openPage(url('login.test', '/frame-host.html'));
      const widget = page.frameLocator('#widget');
      // Seen in CI once: a focus in the cross-origin frame right after load opened no menu (the
      // frame's content script not yet scanning). A person would click again; so does the test,
      // at most twice more, and the closing note records the flake.
      let frame;
      for (let attempt = 1; ; attempt += 1) {
        await widget.locator('#username').click();
        try {
          frame = await waitForInlineFrame(page, 5_000);
          break;
        } catch (error) {
          if (attempt >= 3) throw error;
          await page.locator('body').click({ position: { x: 5, y: 5 } });
        }
      }
      await page.waitForTimeout(500);
      await frame.getByTestId('inline-account').filter({ hasText: ada.username }).click();
      const confirm = frame.getByTestId('inline-confirm');
      await confirm.waitFor();
      // One question naming the frame's host and the top page's.
      expect(await confirm.textContent()).toMatch(/frame from evil\.test:\d+, not from login\.test:\d+/);
      const evil = page.frames().find((f) => f.url().startsWith(url('evil.test', '/frame-login.html')))!;
      expect(await values(evil)).toEqual(['', '']);
      await screenshot(page, 'inline-confirm-cross-origin-frame');
      await page.close();
    });

    test('hidden form: nothing is filled, and the popup says why', async () => {
      const page = await openPage(url('login.test', '/hidden.html'));
      const popup = await popupFor(page);
      await popup.fill(ada.username);
      await popup.page.getByTestId('popup-message').waitFor();
      expect(await popup.page.getByTestId('popup-message').textContent()).toMatch(/No login form|hidden/);
      expect(await values(page)).toEqual(['', '']);
      expect(await values(page, ['#username2', '#password2'])).toEqual(['', '']);
      await popup.page.close();
      await page.close();
    });

    test('http page for an https application: the popup asks first, naming the host; "Fill anyway" then fills', async () => {
      const page = await openPage(url('secure.test', '/login.html'));
      const popup = await popupFor(page);
      await popup.fill(secure.username);
      const confirm = popup.page.getByTestId('fill-confirm');
      await confirm.waitFor();
      expect(await confirm.textContent()).toContain('secure.test');
      expect(await confirm.textContent()).toContain('HTTPS');
      expect(await values(page)).toEqual(['', '']);
      // One confirmation for the fill, naming every reason at once (the http page and the form's
      // plain-http target); "Fill anyway" then fills without a second question.
      const message = (await confirm.textContent()) ?? '';
      expect(message).toContain('secure.test');
      expect(message).toContain('is not using HTTPS');
      expect(message).toContain('without HTTPS');
      await confirm.getByRole('button', { name: 'Fill anyway' }).click();
      await page.waitForFunction(() => (document.getElementById('password') as HTMLInputElement).value !== '');
      expect(await values(page)).toEqual([secure.username, secure.password]);
      await popup.page.close().catch(() => undefined);
      await page.close();
    });

    test('form posting to another domain: the popup asks first, naming that domain', async () => {
      const page = await openPage(url('login.test', '/cross-action.html'));
      const popup = await popupFor(page);
      await popup.fill(ada.username);
      const confirm = popup.page.getByTestId('fill-confirm');
      await confirm.waitFor();
      expect(await confirm.textContent()).toContain('collector.test');
      expect(await values(page)).toEqual(['', '']);
      await popup.page.close();
      await page.close();
    });

    test('a page that focuses, fakes clicks and keys, posts messages and frames the menu itself gets nothing', async () => {
      const page = await openPage(`${url('login.test', '/no-gesture.html')}?ext=${world.browser.extensionId}`);
      await page.waitForFunction(() => document.body.dataset.rounds === '10', undefined, { timeout: 10_000 });
      await page.waitForTimeout(500);
      expect(await values(page)).toEqual(['', '']);
      // The menu it may have caused (the page focused a login field) sits in a closed shadow root.
      const attempts = JSON.parse((await page.evaluate(() => document.body.dataset.attempts)) ?? '[]') as { shadowRoot: string }[];
      expect(attempts.every((attempt) => attempt.shadowRoot === 'closed')).toBe(true);
      // The forged menu frame (its own iframe, a guessed token) is refused by the background.
      const forged = await extensionFrame(page, '#forged-token');
      if (forged) {
        await forged.locator('.sa-alert-error').waitFor();
        expect(await forged.getByTestId('inline-account').count()).toBe(0);
      }
      const html = await page.content();
      expect(html).not.toContain(ada.password);
      expect(html).not.toContain(ada.username);
      await page.close();
    });

    // The overlay takes no pointer events, so hit-testing (elementFromPoint) does not see it.
    test.each([
      ['a later element of the root', 'element'],
      ["the root's ::after", 'after'],
      ['a popover in the top layer', 'popover'],
    ])('a page that covers the menu with a click-through box (%s) makes it close', async (_, via) => {
      const page = await openPage(url('login.test', `/cover.html?via=${via}`));
      await page.click('#username');
      await page.waitForFunction(() => document.getElementById('overlay') !== null, undefined, { timeout: 10_000 });
      await page.waitForFunction(() => document.querySelector('secureaccess-inline-ui') === null, undefined, { timeout: 3000 });
      expect(await values(page)).toEqual(['', '']);
      await page.close();
    });
  });

  test('when an admin declines the application, then the popup and the menu say so with the declined value, and nothing is filled', async () => {
    const admin = await logInAs(world.api.url, world.person.email, world.person.password);
    const { body } = await admin.call<{ applications: { id: string; name: string }[] }>('GET', '/applications');
    const app = body.applications.find((application) => application.name === 'login.test');
    expect(app).toBeDefined();
    const patched = await admin.call('PATCH', `/applications/${app!.id}`, { access: 'declined', accessDeclinedValue: 'blocked by policy' });
    expect(patched.status).toBe(200);

    const page = await openPage(url('login.test', '/login.html'));
    const popup = await popupFor(page);
    const blocked = popup.page.getByTestId('access-blocked').first();
    await blocked.waitFor();
    expect(await blocked.textContent()).toContain('blocked by policy');
    expect(await popup.page.getByTestId('matching-accounts').getByTestId('fill').first().isDisabled()).toBe(true);
    await screenshot(popup.page, 'popup-declined');
    await popup.page.close();

    await page.click('#username');
    const frame = await waitForInlineFrame(page);
    await frame.getByTestId('inline-blocked').waitFor();
    expect(await frame.getByTestId('inline-blocked').textContent()).toContain('blocked by policy');
    expect(await frame.getByTestId('inline-account').count()).toBe(0);
    expect(await values(page)).toEqual(['', '']);
    await page.close();
  });

  test('after the whole session, chrome.storage.local holds no user key, master password, vault secret or access token', async () => {
    const local = JSON.stringify(await world.browser.storage('local'));
    const session = await world.browser.storage('session');
    expect(typeof session.userKey).toBe('string');
    expect(local).not.toContain(session.userKey as string);
    expect(local).not.toContain(world.person.password);
    for (const secret of [ada.password, secure.password, 'Gr4ce-first-password', 'Gr4ce-second-password']) {
      expect(local).not.toContain(secret);
    }
    for (const username of [ada.username, 'grace@example.com']) expect(local).not.toContain(username);
    const accessToken = (session.accessToken as { token: string } | null)?.token;
    expect(accessToken).toBeTruthy();
    expect(local).not.toContain(accessToken!);
    // Documented choice (docs/extension.md): the rotating refresh token is kept so that a restart
    // ends "locked", not "logged out".
    expect(JSON.parse(local).refreshToken).toEqual(expect.any(String));
  });
});

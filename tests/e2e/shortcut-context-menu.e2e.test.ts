import type { Page } from 'playwright-core';
import { logInAs } from './support/api-client';
import { chromiumOnly, countInlineFrames, toolbarBadge, waitForInlineFrame } from './support/browser';
import { PopupPage } from './support/popup-page';
import { startSignedInWorld, type E2eWorld } from './support/session';
import { waitUntil } from './support/wait';

// The extension's global, as seen inside `evaluateInExtension` and `worker.evaluate` callbacks.
declare const chrome: any; // eslint-disable-line @typescript-eslint/no-explicit-any

// Headless browsers cannot take a browser-level shortcut or open a context menu from a driver, so
// the shortcut is pressed through the browser's own binding (pressShortcut: Chromium dispatches
// `chrome.commands.onCommand` in the worker with the real tab; Firefox fires the browser window's
// <key>), and the context menu item through `chrome.contextMenus.onClicked` in the worker — the
// background's registered listeners run exactly as when the person presses Ctrl+Shift+L or picks
// "Fill login with SecureAccess". Firefox's menu click has no such door (its event page is out of
// every protocol's reach), so the context-menu tests are Chromium's.
describe('keyboard shortcut and context menu fill', () => {
  let world: E2eWorld;
  const ada = { username: 'ada@example.com', password: 'Shortcut-pass-9!' };
  const declined = { username: 'ada@declined', password: 'Declined-pass-3!' };
  const fillMenuId = 'secureaccess-fill';

  const url = (host: string, path: string) => world.pages.url(host, path);

  async function openPage(address: string): Promise<Page> {
    const page = await world.browser.context.newPage();
    await page.goto(address);
    return page;
  }

  async function pressShortcut(page: Page): Promise<void> {
    await world.browser.pressShortcut('fill-login', page);
  }

  async function chooseContextMenu(page: Page): Promise<void> {
    const tabId = await world.browser.tabIdOf(page);
    const sw = await world.browser.serviceWorker();
    await sw.evaluate(
      async ({ id, menuItemId }) => {
        const tab = await chrome.tabs.get(id);
        chrome.contextMenus.onClicked.dispatch({ menuItemId, frameId: 0, editable: true, pageUrl: tab.url }, tab);
      },
      { id: tabId, menuItemId: fillMenuId },
    );
  }

  /** The badge and title the shortcut leaves on the page's tab when it refuses. */
  async function refusal(page: Page): Promise<{ badge: string; title: string }> {
    return waitUntil(() => toolbarBadge(world.browser, page), (answer) => answer.badge !== '', 'the refusal badge');
  }

  async function values(page: Page): Promise<string[]> {
    return Promise.all(['#username', '#password'].map((selector) => page.locator(selector).inputValue()));
  }

  beforeAll(async () => {
    world = await startSignedInWorld();
    const popup = new PopupPage(await world.browser.openPopup());
    await popup.waitForPhase('unlocked');
    await popup.addAccount({ url: url('login.test', '/'), ...ada });
    // Saving files the account under a new application for declined.test (the person is an admin).
    await popup.addAccount({ url: url('declined.test', '/'), ...declined });
    await popup.page.close();

    const admin = await logInAs(world.api.url, world.person.email, world.person.password);
    const { body } = await admin.call<{ applications: { id: string; name: string }[] }>('GET', '/applications');
    const app = body.applications.find((application) => application.name === 'declined.test');
    expect(app).toBeDefined();
    const patched = await admin.call('PATCH', `/applications/${app!.id}`, { access: 'declined', accessDeclinedValue: 'blocked by policy' });
    expect(patched.status).toBe(200);
    // Opening the popup syncs the catalogue: wait until the extension knows about the decline.
    const resync = new PopupPage(await world.browser.openPopup());
    await resync.waitForPhase('unlocked');
    await waitUntil(
      async () => (await world.browser.storage('local')).catalogue as { applications: { name: string; access: string }[] } | null,
      (catalogue) => catalogue?.applications.some((application) => application.name === 'declined.test' && application.access === 'declined') ?? false,
      'the declined application in the synced catalogue',
    );
    await resync.page.close();
  });
  afterAll(async () => {
    await world?.close();
  });

  test('the manifest declares the fill command with its shortcut and the context-menu permission, and the menu item exists', async () => {
    const api = <R, A>(fn: (arg: A) => R | Promise<R>, arg: A) => world.browser.evaluateInExtension(fn, arg);
    const manifest = await api(() => chrome.runtime.getManifest(), null);
    expect(manifest.commands['fill-login'].suggested_key).toMatchObject({ default: 'Ctrl+Shift+L', mac: 'Command+Shift+L' });
    expect(manifest.permissions).toContain('contextMenus');
    const commands = await api(() => chrome.commands.getAll(), null);
    // Registered with the browser (which key is bound is the browser's: headless Chromium binds none).
    expect(commands).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'fill-login' })]));
    // update() of the item created on install resolves; of an unknown id it rejects (both browsers).
    await api((id: string) => chrome.contextMenus.update(id, { title: 'Fill login with SecureAccess' }), fillMenuId);
    await expect(api((id: string) => chrome.contextMenus.update(id, { title: 'x' }), 'bogus-id')).rejects.toThrow();
  });

  test('when the person presses the shortcut on a login page, then the matching account is filled', async () => {
    const page = await openPage(url('login.test', '/login.html'));
    await pressShortcut(page);
    await page.waitForFunction(() => (document.getElementById('password') as HTMLInputElement).value !== '');
    expect(await values(page)).toEqual([ada.username, ada.password]);
    // The page's own input listeners saw the values.
    expect(JSON.parse((await page.locator('#state').textContent()) ?? '{}')).toEqual({ username: ada.username, passwordLength: ada.password.length });
    await page.close();
  });

  test('when the person presses the shortcut on another site, then nothing is filled and the badge says why', async () => {
    const page = await openPage(url('evil.test', '/login.html'));
    await pressShortcut(page);
    expect(await refusal(page)).toEqual({ badge: '!', title: 'SecureAccess: No saved account for this site.' });
    expect(await values(page)).toEqual(['', '']);
    await page.close();
  });

  test('when the person presses the shortcut on a declined application, then nothing is filled and the badge says so', async () => {
    const page = await openPage(url('declined.test', '/login.html'));
    await pressShortcut(page);
    expect((await refusal(page)).badge).toBe('!');
    expect(await values(page)).toEqual(['', '']);
    await page.close();
  });

  chromiumOnly('context-menu clicks are dispatched in the MV3 worker')('when the person picks "Fill login" in the context menu, then the account menu opens on the field and picking the account fills it', async () => {
    const page = await openPage(url('login.test', '/login.html'));
    // No field is focused: only the context menu can have opened the menu.
    await chooseContextMenu(page);
    const frame = await waitForInlineFrame(page);
    const option = frame.getByTestId('inline-account').filter({ hasText: ada.username });
    await option.waitFor();
    // The menu ignores clicks in its first 400 ms (a page cannot slide it under a moving pointer).
    await page.waitForTimeout(500);
    await option.click();
    await page.waitForFunction(() => (document.getElementById('password') as HTMLInputElement).value !== '');
    expect(await values(page)).toEqual([ada.username, ada.password]);
    // The menu removes its frame after the fill lands, asynchronously: wait for it to go.
    await waitUntil(() => countInlineFrames(page), (count) => count === 0, 'the inline menu to close after the fill', 10_000);
    await page.close();
  });

  chromiumOnly('context-menu clicks are dispatched in the MV3 worker')('when the context menu is used on a declined application, then the menu says so and offers no account', async () => {
    const page = await openPage(url('declined.test', '/login.html'));
    await chooseContextMenu(page);
    const frame = await waitForInlineFrame(page);
    await frame.getByTestId('inline-blocked').waitFor();
    expect(await frame.getByTestId('inline-blocked').textContent()).toContain('blocked by policy');
    expect(await frame.getByTestId('inline-account').count()).toBe(0);
    expect(await values(page)).toEqual(['', '']);
    await page.close();
  });

  chromiumOnly('context-menu clicks are dispatched in the MV3 worker')('when the context menu is used on another site, then the menu offers no account', async () => {
    const page = await openPage(url('evil.test', '/login.html'));
    await chooseContextMenu(page);
    const frame = await waitForInlineFrame(page);
    await frame.locator('body').getByText(/evil\.test/).first().waitFor();
    expect(await frame.getByTestId('inline-account').count()).toBe(0);
    expect(await values(page)).toEqual(['', '']);
    await page.close();
  });
});

import type { Page } from 'playwright-core';
import { logInAs } from './support/api-client';
import { countInlineFrames, waitForInlineFrame } from './support/browser';
import { PopupPage } from './support/popup-page';
import { startSignedInWorld, type E2eWorld } from './support/session';
import { waitUntil } from './support/wait';

// The service worker's global, as seen inside `worker.evaluate` callbacks.
declare const chrome: any; // eslint-disable-line @typescript-eslint/no-explicit-any

// Headless Chromium cannot press a browser-level shortcut or open a context menu, so the test
// dispatches the browser's own events (`chrome.commands.onCommand`, `chrome.contextMenus.onClicked`)
// in the service worker with the real tab: the background's registered listeners run exactly as
// when the person presses Ctrl+Shift+L or picks "Fill login with SecureAccess".
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

  async function pressShortcut(page: Page): Promise<number> {
    const tabId = await world.browser.tabIdOf(page);
    const sw = await world.browser.serviceWorker();
    await sw.evaluate(async (id) => {
      chrome.commands.onCommand.dispatch('fill-login', await chrome.tabs.get(id));
    }, tabId);
    return tabId;
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

  /** The badge and title the shortcut leaves on a tab when it refuses. */
  async function refusal(tabId: number): Promise<{ badge: string; title: string }> {
    const sw = await world.browser.serviceWorker();
    return waitUntil(
      () => sw.evaluate(async (id) => ({ badge: await chrome.action.getBadgeText({ tabId: id }), title: await chrome.action.getTitle({ tabId: id }) }), tabId),
      (answer: { badge: string }) => answer.badge !== '',
      'the refusal badge',
    );
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
    const sw = await world.browser.serviceWorker();
    const manifest = await sw.evaluate(() => chrome.runtime.getManifest());
    expect(manifest.commands['fill-login'].suggested_key).toEqual({ default: 'Ctrl+Shift+L', mac: 'Command+Shift+L' });
    expect(manifest.permissions).toContain('contextMenus');
    const commands = await sw.evaluate(() => chrome.commands.getAll());
    // Registered with the browser (which key is bound is the browser's: headless binds none).
    expect(commands).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'fill-login' })]));
    // update() rejects for an item that was never created (on install).
    await expect(sw.evaluate((id) => chrome.contextMenus.update(id, { title: 'Fill login with SecureAccess' }), fillMenuId)).resolves.toBeUndefined();
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
    const tabId = await pressShortcut(page);
    expect(await refusal(tabId)).toEqual({ badge: '!', title: 'SecureAccess: No saved account for this site.' });
    expect(await values(page)).toEqual(['', '']);
    await page.close();
  });

  test('when the person presses the shortcut on a declined application, then nothing is filled and the badge says so', async () => {
    const page = await openPage(url('declined.test', '/login.html'));
    const tabId = await pressShortcut(page);
    expect((await refusal(tabId)).badge).toBe('!');
    expect(await values(page)).toEqual(['', '']);
    await page.close();
  });

  test('when the person picks "Fill login" in the context menu, then the account menu opens on the field and picking the account fills it', async () => {
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

  test('when the context menu is used on a declined application, then the menu says so and offers no account', async () => {
    const page = await openPage(url('declined.test', '/login.html'));
    await chooseContextMenu(page);
    const frame = await waitForInlineFrame(page);
    await frame.getByTestId('inline-blocked').waitFor();
    expect(await frame.getByTestId('inline-blocked').textContent()).toContain('blocked by policy');
    expect(await frame.getByTestId('inline-account').count()).toBe(0);
    expect(await values(page)).toEqual(['', '']);
    await page.close();
  });

  test('when the context menu is used on another site, then the menu offers no account', async () => {
    const page = await openPage(url('evil.test', '/login.html'));
    await chooseContextMenu(page);
    const frame = await waitForInlineFrame(page);
    await frame.locator('body').getByText(/evil\.test/).first().waitFor();
    expect(await frame.getByTestId('inline-account').count()).toBe(0);
    expect(await values(page)).toEqual(['', '']);
    await page.close();
  });
});

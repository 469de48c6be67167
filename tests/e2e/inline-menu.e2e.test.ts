import type { Page } from 'playwright-core';
import { screenshot } from './support/browser';
import { InlineMenu } from './support/inline-menu';
import { PopupPage } from './support/popup-page';
import { startSignedInWorld, type E2eWorld } from './support/session';

// The inline menu by keyboard alone, unlocked in place, and surviving a stopped service worker.
describe('inline menu: keyboard, unlock in place, worker restarts', () => {
  let world: E2eWorld;
  const ada = { username: 'ada@example.com', password: 'S3cret-pass!ada' };

  const url = (host: string, path: string) => world.pages.url(host, path);

  async function openLogin(): Promise<Page> {
    const page = await world.browser.context.newPage();
    await page.goto(url('login.test', '/login.html'));
    // The content script starts at document_idle and gives no signal: let it scan first.
    await page.waitForTimeout(500);
    return page;
  }

  async function values(page: Page): Promise<string[]> {
    return Promise.all(['#username', '#password'].map((selector) => page.locator(selector).inputValue()));
  }

  async function popup(): Promise<PopupPage> {
    const opened = new PopupPage(await world.browser.openPopup());
    await opened.waitForPhase('unlocked', 60_000).catch(() => opened.waitForPhase('locked'));
    return opened;
  }

  beforeAll(async () => {
    world = await startSignedInWorld();
    const p = await popup();
    await p.addAccount({ url: url('login.test', '/'), ...ada });
    await p.page.close();
  });
  afterAll(async () => {
    await world?.close();
  });

  /** Tab to the username field, wait for the menu, then ArrowDown into it: keyboard only. */
  async function focusMenuByKeyboard(page: Page): Promise<void> {
    await page.keyboard.press('Tab');
    const menu = await InlineMenu.of(page);
    await menu.account(ada.username).waitFor();
    // The menu ignores keys in its first 400 ms, like clicks.
    await page.waitForTimeout(500);
    await page.keyboard.press('ArrowDown');
    await menu.frame.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'inline-account');
  }

  test('keyboard only: Tab to the field, ArrowDown into the menu, Enter fills', async () => {
    const page = await openLogin();
    await focusMenuByKeyboard(page);
    await screenshot(page, 'inline-menu-keyboard');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => (document.getElementById('password') as HTMLInputElement).value !== '');
    expect(await values(page)).toEqual([ada.username, ada.password]);
    await page.close();
  });

  test('keyboard only: Escape in the menu closes it and puts focus back on the field', async () => {
    const page = await openLogin();
    await focusMenuByKeyboard(page);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => document.querySelector('secureaccess-inline-ui') === null);
    await page.waitForFunction(() => document.activeElement?.id === 'username');
    expect(await values(page)).toEqual(['', '']);
    await page.close();
  });

  test('when the background is stopped between opening the menu and picking the account, the pick still fills', async () => {
    const page = await openLogin();
    await page.click('#username');
    const menu = await InlineMenu.of(page);
    await menu.account(ada.username).waitFor();
    // Stopped the way the browser stops an idle worker or event page; the pick's message starts it again.
    await world.browser.stopBackground();
    await menu.pick(ada.username);
    await page.waitForFunction(() => (document.getElementById('password') as HTMLInputElement).value !== '');
    expect(await values(page)).toEqual([ada.username, ada.password]);
    await page.close();
  });

  test('when the vault is locked, the menu unlocks in place (master password typed in the extension frame) and then fills', async () => {
    const p = await popup();
    await p.lock();
    await p.page.close();
    const page = await openLogin();
    await page.click('#username');
    const menu = await InlineMenu.of(page);
    await menu.unlockForm().waitFor();
    await screenshot(page, 'inline-menu-unlock');
    await menu.unlock(world.person.password);
    // The KDF runs in the background (seconds under load) before the accounts are listed.
    await menu.account(ada.username).waitFor({ timeout: 90_000 });
    await menu.pick(ada.username);
    await page.waitForFunction(() => (document.getElementById('password') as HTMLInputElement).value !== '');
    expect(await values(page)).toEqual([ada.username, ada.password]);
    // The master password never reached the page.
    expect(await page.content()).not.toContain(world.person.password);
    await page.close();
  });
});

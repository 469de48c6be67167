import type { Page } from 'playwright-core';
import { screenshot, typeInto } from './support/browser';
import { InlineMenu } from './support/inline-menu';
import { PopupPage } from './support/popup-page';
import { startSignedInWorld, type E2eWorld } from './support/session';

// Issue 11, new-password forms: a sign-up gets a generated password its site's rules accept, in the
// new and confirmation fields, and the login is saved after submit; a change-password form gets
// the saved current password and a generated new one, and the account is updated after submit.
// Each then fills the new password on the site's login page: the vault holds what the site got.
describe('sign-up and change-password forms: generated passwords, then save or update', () => {
  let world: E2eWorld;
  const lin = { username: 'lin@example.com', password: 'Lin-old-password-1' };
  const url = (host: string, path: string) => world.pages.url(host, path);

  async function openPage(address: string): Promise<Page> {
    const page = await world.browser.context.newPage();
    await page.goto(address);
    return page;
  }

  /** The password SecureAccess fills for `username` on the site's login page. */
  async function filledPasswordOn(host: string, username: string): Promise<string> {
    const page = await openPage(url(host, '/login.html'));
    await page.click('#username');
    const menu = await InlineMenu.of(page);
    await menu.pick(username);
    await page.waitForFunction(() => (document.getElementById('password') as HTMLInputElement).value !== '');
    const password = await page.locator('#password').inputValue();
    await page.close();
    return password;
  }

  beforeAll(async () => {
    world = await startSignedInWorld();
    const popup = new PopupPage(await world.browser.openPopup());
    await popup.waitForPhase('unlocked');
    await popup.addAccount({ url: url('change.test', '/'), ...lin });
    await popup.page.close();
  });
  afterAll(async () => {
    await world?.close();
  });

  test('when the new-password field of a sign-up is focused, then the menu offers a password within the site’s rules; picked, it fills both fields, and after submit the login is saved', async () => {
    const page = await openPage(url('signup.test', '/signup.html'));
    await typeInto(page, '#email', 'mia@example.com');
    await page.click('#new');
    const menu = await InlineMenu.of(page);
    await menu.generated().waitFor();
    // A sign-up takes no saved login: only the generated password is offered.
    expect(await menu.accounts().count()).toBe(0);
    const generated = (await menu.frame.getByTestId('inline-generated-value').textContent()) ?? '';
    // The site's passwordrules: 12–16 characters, lower, upper, digit, and only - or _ as symbols.
    expect(generated).toMatch(/^[A-Za-z0-9_-]{12,16}$/);
    for (const required of [/[a-z]/, /[A-Z]/, /\d/, /[-_]/]) expect(generated).toMatch(required);
    await screenshot(page, 'inline-menu-sign-up');
    await page.waitForTimeout(500);
    await menu.generated().click();
    await page.waitForFunction(() => (document.getElementById('confirm') as HTMLInputElement).value !== '');
    expect([await page.locator('#new').inputValue(), await page.locator('#confirm').inputValue()]).toEqual([generated, generated]);
    expect(await page.locator('#email').inputValue()).toBe('mia@example.com');

    await page.click('#submit');
    await page.waitForURL(/welcome\.html/);
    const bar = await InlineMenu.of(page);
    await bar.frame.getByTestId('inline-offer').waitFor();
    expect(await bar.frame.getByTestId('inline-offer').textContent()).toContain('mia@example.com');
    await page.waitForTimeout(500);
    await bar.frame.getByRole('button', { name: 'Save', exact: true }).click();
    await bar.frame.getByText('Login saved for signup.test.').waitFor();
    await page.close();

    expect(await filledPasswordOn('signup.test', 'mia@example.com')).toBe(generated);
  });

  test('when a change-password form’s current field is focused, then the menu lists the site’s account; picked, it fills the current password and a new generated one, and after submit the account is updated', async () => {
    const page = await openPage(url('change.test', '/change-password.html'));
    await page.click('#current');
    const menu = await InlineMenu.of(page);
    await menu.account(lin.username).waitFor();
    const generated = (await menu.frame.getByTestId('inline-generated-value').textContent()) ?? '';
    expect(generated.length).toBeGreaterThanOrEqual(12);
    expect(generated).not.toBe(lin.password);
    await screenshot(page, 'inline-menu-change-password');
    await menu.pick(lin.username);
    await page.waitForFunction(() => (document.getElementById('confirm') as HTMLInputElement).value !== '');
    expect(await Promise.all(['#current', '#new', '#confirm'].map((selector) => page.locator(selector).inputValue()))).toEqual([
      lin.password,
      generated,
      generated,
    ]);

    await page.click('#submit');
    await page.waitForURL(/welcome\.html/);
    const bar = await InlineMenu.of(page);
    await bar.frame.getByText('Update password?').waitFor();
    expect(await bar.frame.getByTestId('inline-offer').textContent()).toContain(lin.username);
    await page.waitForTimeout(500);
    await bar.frame.getByRole('button', { name: 'Update', exact: true }).click();
    await bar.frame.getByText(/Password updated/).waitFor();
    await page.close();

    expect(await filledPasswordOn('change.test', lin.username)).toBe(generated);
  });

  test('when the popup is asked to fill a page whose only form is a sign-up, then it says there is no login form instead of filling a saved login into it', async () => {
    const page = await openPage(url('change.test', '/signup.html'));
    const popup = new PopupPage(await world.browser.openPopup(page));
    await popup.waitForPhase('unlocked');
    // The site's account is listed as matching (so its row offers Fill) before it is asked.
    await popup.matchingAccounts().filter({ hasText: lin.username }).first().waitFor();
    await popup.accountAction(lin.username, 'Fill');
    await popup.page.getByText('No login form found on this page.').waitFor();
    expect(await page.locator('#new').inputValue()).toBe('');
    await popup.page.close();
    await page.close();
  });
});

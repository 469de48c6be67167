import { screenshot } from './support/browser';
import { PopupPage } from './support/popup-page';
import { startSignedInWorld, type E2eWorld } from './support/session';

describe('popup vault: add with the generator, search, copy, edit, trash and restore', () => {
  let world: E2eWorld;
  let popup: PopupPage;

  beforeAll(async () => {
    world = await startSignedInWorld();
    await world.browser.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    popup = new PopupPage(await world.browser.openPopup());
    await popup.waitForPhase('unlocked');
  });
  afterAll(async () => {
    await world?.close();
  });

  test('when an account is added with a generated password, then it is listed and its password is what the generator made', async () => {
    await popup.page.getByRole('button', { name: 'Add', exact: true }).click();
    const form = popup.page.getByTestId('account-form');
    await form.locator('input[name="url"]').fill('https://mail.example.org/login');
    await form.locator('input[name="username"]').fill('ada@mail.example.org');
    await form.getByRole('button', { name: 'Generate' }).click();
    // The generator answers asynchronously: wait for its output instead of reading it at once
    // (on a loaded machine the first read came back empty).
    await popup.page.waitForFunction(
      () => (document.querySelector('[data-testid="generated-password"]')?.textContent ?? '') !== '',
    );
    const generated = (await form.getByTestId('generated-password').textContent()) ?? '';
    expect(generated).toHaveLength(20);
    await screenshot(popup.page, 'popup-add-with-generator');
    await form.getByRole('button', { name: 'Use this password' }).click();
    expect(await form.locator('input[name="password"]').inputValue()).toBe(generated);
    await form.getByRole('button', { name: 'Save' }).click();
    await popup.account('ada@mail.example.org').waitFor();

    await popup.account('ada@mail.example.org').getByRole('button', { name: 'Copy password' }).click();
    await popup.page.getByTestId('popup-message').getByText(/Password copied; the clipboard is cleared in \d+ s/).waitFor();
    expect(await popup.page.evaluate(() => navigator.clipboard.readText())).toBe(generated);
  });

  test('when the person searches, then only matching accounts show', async () => {
    await popup.addAccount({ url: 'https://shop.example.net/', username: 'grace@shop', password: 'shop-password-1' });
    await popup.page.locator('input[name="search"]').fill('shop');
    await popup.page.getByTestId('all-accounts').getByTestId('account').first().waitFor();
    await popup.page.waitForFunction(() => document.querySelectorAll('[data-testid="all-accounts"] [data-testid="account"]').length === 1);
    expect(await popup.page.getByTestId('all-accounts').getByTestId('account-username').allTextContents()).toEqual(['grace@shop']);
    await popup.page.locator('input[name="search"]').fill('');
  });

  test('when an account is edited, then the new username shows and the password is kept unless changed', async () => {
    await popup.account('grace@shop').getByRole('button', { name: 'Edit' }).click();
    const form = popup.page.getByTestId('account-form');
    await form.locator('input[name="password"]').waitFor();
    await popup.page.waitForFunction(() => (document.querySelector('input[name="password"]') as HTMLInputElement).value !== '');
    expect(await form.locator('input[name="password"]').inputValue()).toBe('shop-password-1');
    await form.locator('input[name="username"]').fill('grace.hopper@shop');
    await form.getByRole('button', { name: 'Save' }).click();
    await popup.account('grace.hopper@shop').waitFor();
    expect(await popup.account('grace@shop').count()).toBe(0);
  });

  test('when an account is deleted, then it moves to the trash, and restoring brings it back', async () => {
    await popup.account('grace.hopper@shop').getByRole('button', { name: 'Delete' }).click();
    await popup.page.getByTestId('popup-message').getByText(/moved to the trash/).waitFor();
    await popup.page.waitForFunction(() => !Array.from(document.querySelectorAll('[data-testid="account-username"]')).some((el) => el.textContent === 'grace.hopper@shop'));
    await popup.page.getByRole('tab', { name: /Trash/ }).click();
    await popup.account('grace.hopper@shop').getByRole('button', { name: 'Restore' }).click();
    await popup.page.getByTestId('popup-message').getByText(/restored/).waitFor();
    await popup.page.getByRole('tab', { name: 'Accounts' }).click();
    await popup.account('grace.hopper@shop').waitFor();
    await screenshot(popup.page, 'popup-vault');
  });

  test('when the server is unreachable, then changes fail with a clear message and the saved copy stays usable', async () => {
    await world.api.stop();
    await popup.page.getByRole('button', { name: 'Add', exact: true }).click();
    const form = popup.page.getByTestId('account-form');
    await form.locator('input[name="url"]').fill('https://offline.example/');
    await form.locator('input[name="username"]').fill('nobody');
    await form.locator('input[name="password"]').fill('offline-password');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.locator('.sa-alert-error').waitFor();
    expect(await form.locator('.sa-alert-error').textContent()).toContain('Cannot reach the server');
    await form.getByRole('button', { name: 'Cancel' }).click();
    await popup.account('ada@mail.example.org').waitFor();
  });
});

import path from 'node:path';
import { openDatabase } from '@secureaccess/server';
import { screenshot } from './support/browser';
import { waitUntil } from './support/wait';
import { PopupPage } from './support/popup-page';
import { startSignedInWorld, type E2eWorld } from './support/session';

describe('popup vault: add with the generator, search, copy, edit, trash and restore', () => {
  let world: E2eWorld;
  let popup: PopupPage;

  beforeAll(async () => {
    world = await startSignedInWorld();
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
    expect(await world.browser.readClipboard(popup.page)).toBe(generated);
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
    await popup.accountAction('grace@shop', 'Edit');
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
    await popup.accountAction('grace.hopper@shop', 'Delete');
    await popup.page.getByTestId('popup-message').getByText(/moved to the trash/).waitFor();
    await popup.page.waitForFunction(() => !Array.from(document.querySelectorAll('[data-testid="account-username"]')).some((el) => el.textContent === 'grace.hopper@shop'));
    await popup.page.getByRole('tab', { name: /Trash/ }).click();
    await popup.account('grace.hopper@shop').getByRole('button', { name: 'Restore' }).click();
    await popup.page.getByTestId('popup-message').getByText(/restored/).waitFor();
    await popup.page.getByRole('tab', { name: 'Accounts' }).click();
    await popup.account('grace.hopper@shop').waitFor();
    await screenshot(popup.page, 'popup-vault');
  });

  test('when an account is deleted by mistake, then Undo in the banner brings it back at once', async () => {
    await popup.accountAction('grace.hopper@shop', 'Delete');
    const banner = popup.page.getByTestId('popup-message');
    await banner.getByText(/moved to the trash/).waitFor();
    await banner.getByRole('button', { name: 'Undo' }).click();
    await popup.page.getByTestId('popup-message').getByText(/restored/).waitFor();
    await popup.account('grace.hopper@shop').waitFor();
  });

  test('when an account is deleted permanently from the trash, then it asks first and then it is gone from the server too', async () => {
    await popup.addAccount({ url: 'https://old.example.com/', username: 'old@old', password: 'old-password-1' });
    await popup.accountAction('old@old', 'Delete');
    await popup.page.getByRole('tab', { name: /Trash/ }).click();
    await popup.accountAction('old@old', 'Delete permanently');
    const confirm = popup.page.getByTestId('purge-confirm');
    await confirm.getByText(/cannot be restored/).waitFor();
    await screenshot(popup.page, 'popup-purge-confirm');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await popup.account('old@old').count()).toBe(1);
    await popup.accountAction('old@old', 'Delete permanently');
    await popup.page.getByTestId('purge-confirm').getByRole('button', { name: 'Delete permanently' }).click();
    await popup.page.getByTestId('popup-message').getByText(/deleted for good/).waitFor();
    await waitUntil(async () => popup.account('old@old').count(), (n) => n === 0, 'the purged account to leave the trash');
    const db = await openDatabase({ sqlitePath: path.join(world.api.dataDir, 'secureaccess.sqlite') });
    try {
      // Three accounts were added so far; one is purged (its tombstone stays for delta sync).
      expect(await db.models.StoredAccount.count()).toBe(2);
      expect(await db.models.StoredAccountTombstone.count()).toBe(1);
    } finally {
      await db.sequelize.close();
    }
    await popup.page.getByRole('tab', { name: 'Accounts' }).click();
  });

  test('when an account has a name and a folder, then the row shows the name, search finds the folder and the details view shows both', async () => {
    await popup.page.getByRole('button', { name: 'Add', exact: true }).click();
    const form = popup.page.getByTestId('account-form');
    await form.locator('input[name="title"]').fill('Joint bank account');
    await form.locator('input[name="url"]').fill('https://bank.example.com/');
    await form.locator('input[name="username"]').fill('joint@bank');
    await form.locator('input[name="folder"]').fill('Finanzas');
    await form.locator('input[name="password"]').fill('bank-password-1');
    await form.getByRole('button', { name: 'Save' }).click();
    await popup.account('joint@bank').getByText('Joint bank account').waitFor();

    await popup.page.locator('input[name="search"]').fill('finanzas');
    await popup.page.waitForFunction(() => document.querySelectorAll('[data-testid="all-accounts"] [data-testid="account"]').length === 1);
    await popup.page.locator('input[name="search"]').fill('no-such-account-anywhere');
    await popup.page.getByTestId('vault-empty').getByText('No account matches "no-such-account-anywhere".').waitFor();
    await popup.page.locator('input[name="search"]').fill('');

    await popup.account('joint@bank').getByRole('button', { name: /^Details: Joint bank account/ }).click();
    const details = popup.page.getByTestId('account-details');
    await details.getByRole('heading', { name: 'Joint bank account' }).waitFor();
    expect(await details.getByText('Finanzas').count()).toBe(1);
    expect(await details.getByTestId('details-password').textContent()).not.toContain('bank-password-1');
    await details.getByRole('button', { name: 'Show password' }).click();
    await details.getByTestId('details-password').getByText('bank-password-1').waitFor();
    await screenshot(popup.page, 'popup-account-details');
    await details.getByRole('button', { name: 'Back' }).click();
    await popup.account('joint@bank').waitFor();
  });

  test('when the row menu is used from the keyboard, then ArrowDown opens it on the first item, arrows move and Escape gives focus back', async () => {
    const more = popup.account('joint@bank').getByTestId('more-actions');
    await more.focus();
    await popup.page.keyboard.press('ArrowDown');
    const menu = popup.account('joint@bank').getByRole('menu');
    await menu.waitFor();
    expect(await popup.page.evaluate(() => document.activeElement?.textContent)).toBe('Details');
    await popup.page.keyboard.press('ArrowDown');
    expect(await popup.page.evaluate(() => document.activeElement?.textContent)).toBe('Copy username');
    await popup.page.keyboard.press('ArrowUp');
    await popup.page.keyboard.press('ArrowUp');
    expect(await popup.page.evaluate(() => document.activeElement?.textContent)).toBe('Delete');
    await screenshot(popup.page, 'popup-row-menu');
    await popup.page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    expect(await more.evaluate((button) => button === document.activeElement)).toBe(true);
    expect(await more.getAttribute('aria-expanded')).toBe('false');
  });

  test('when the vault holds a v1 account (url and folder in clear), then the next full sync re-encrypts them and the server keeps ciphertext only', async () => {
    const db = await openDatabase({ sqlitePath: path.join(world.api.dataDir, 'secureaccess.sqlite') });
    try {
      const { StoredAccount } = db.models;
      const first = (await StoredAccount.findOne({ order: [['id', 'ASC']] }))!;
      // What the v1.1 migration leaves of an account a v1 client stored.
      await StoredAccount.update(
        { legacyUrl: 'https://mail.example.org/login', legacyFolder: 'Mail', encryptedUrl: null, encryptedFolder: null },
        { where: { id: first.id } },
      );
      // A v1 extension's cache is dropped by the storage migration (vaultCache v2); here it is removed.
      await world.browser.removeStorage('local', ['vaultCache']);

      await popup.page.reload();
      await popup.waitForPhase('unlocked');

      const upgraded = await waitUntil(
        () => StoredAccount.findByPk(first.id),
        (row) => row !== null && row.legacyUrl === null,
        'the extension to re-encrypt the v1 url and folder',
      );
      expect(upgraded).toMatchObject({ legacyFolder: null, revision: first.revision + 1 });
      expect(JSON.parse(upgraded!.encryptedUrl!)).toMatchObject({ v: 1, alg: 'A256GCM' });
      expect(JSON.parse(upgraded!.encryptedFolder!)).toMatchObject({ v: 1, alg: 'A256GCM' });
      expect(JSON.stringify(upgraded!.toJSON())).not.toMatch(/mail\.example\.org|"Mail"/);
      await popup.account('ada@mail.example.org').waitFor();
    } finally {
      await db.sequelize.close();
    }
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

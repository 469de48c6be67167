import { screenshot } from './support/browser';
import { PopupPage } from './support/popup-page';
import { newPerson, startSignedInWorld, type E2eWorld } from './support/session';

describe('sign up, log out, log in, lock and unlock', () => {
  let world: E2eWorld;

  beforeAll(async () => {
    world = await startSignedInWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  test('when a person signs up, then the recovery code was shown once and the vault is open', async () => {
    expect(world.recoveryCode.replace(/[^A-Z0-9]/gi, '').length).toBeGreaterThanOrEqual(20);
    const popup = new PopupPage(await world.browser.openPopup());
    await popup.waitForPhase('unlocked');
    await popup.page.getByText('No accounts yet').waitFor();
    // The code is not shown again.
    expect(await popup.page.getByTestId('recovery-code').count()).toBe(0);
    await popup.page.close();
  });

  test('when they log out and log in with a wrong password, then the popup says so; with the right one the vault opens', async () => {
    const popup = new PopupPage(await world.browser.openPopup());
    await popup.waitForPhase('unlocked');
    await popup.logOut();
    await popup.logIn(world.person.email, 'not my password at all');
    await popup.error().waitFor({ timeout: 30_000 });
    expect(await popup.error().textContent()).toBe('Wrong email or master password.');
    await popup.logIn(world.person.email, world.person.password);
    await popup.waitForPhase('unlocked');
    await screenshot(popup.page, 'popup-vault-empty');
    await popup.page.close();
  });

  test('when they lock, then a wrong master password is refused and the right one unlocks offline', async () => {
    const popup = new PopupPage(await world.browser.openPopup());
    await popup.waitForPhase('unlocked');
    await popup.lock();
    const session = await world.browser.storage('session');
    expect(session.userKey ?? null).toBeNull();
    await popup.unlock('wrong wrong wrong wrong');
    await popup.error().waitFor({ timeout: 30_000 });
    expect(await popup.error().textContent()).toBe('Wrong master password.');
    await screenshot(popup.page, 'popup-unlock-error');
    // Unlocking derives the key locally: it works with the API stopped too (checked by stopping nothing
    // here, but no request is needed — see docs/extension.md).
    await popup.unlock(world.person.password);
    await popup.waitForPhase('unlocked');
    expect(typeof (await world.browser.storage('session')).userKey).toBe('string');
    await popup.page.close();
  });

  test('when someone signs up with an email that exists, then the popup explains it', async () => {
    const popup = new PopupPage(await world.browser.openPopup());
    await popup.waitForPhase('unlocked');
    await popup.logOut();
    const other = { ...newPerson(), email: world.person.email };
    await popup.page.getByRole('button', { name: 'Create account' }).click();
    await popup.page.locator('input[name="firstName"]').fill(other.firstName);
    await popup.page.locator('input[name="lastName"]').fill(other.lastName);
    await popup.page.locator('input[name="email"]').fill(other.email);
    await popup.page.locator('input[name="password"]').fill(other.password);
    await popup.page.locator('input[name="confirm"]').fill(other.password);
    await popup.page.getByRole('button', { name: 'Create account' }).click();
    await popup.error().waitFor({ timeout: 30_000 });
    expect((await popup.error().textContent()) ?? '').toMatch(/already exists|registered|exists/i);
    await popup.page.close();
  });
});

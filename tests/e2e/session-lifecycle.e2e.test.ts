import { totpCode } from '../helpers/auth';
import { logInAs, type AdminSession } from './support/api-client';
import { screenshot } from './support/browser';
import { PopupPage } from './support/popup-page';
import { startSignedInWorld, type E2eWorld } from './support/session';

describe('session lifecycle: two-factor login, browser restart, revoked session', () => {
  let world: E2eWorld;
  let apiSession: AdminSession | null = null;

  beforeAll(async () => {
    world = await startSignedInWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  test('when two-factor login is on, then the popup asks for the code after the password and the right code opens the vault', async () => {
    const api = await logInAs(world.api.url, world.person.email, world.person.password);
    apiSession = api;
    const setup = await api.call<{ secret: string }>('POST', '/mfa/totp/setup', {});
    expect(setup.status).toBe(200);
    const enabled = await api.call('POST', '/mfa/totp/enable', { code: totpCode(setup.body.secret, new Date()) });
    expect(enabled.status).toBe(200);

    const popup = new PopupPage(await world.browser.openPopup());
    await popup.waitForPhase('unlocked');
    await popup.logOut();
    await popup.logIn(world.person.email, world.person.password);
    const codeField = popup.page.locator('input[name="mfaCode"]');
    await codeField.waitFor({ timeout: 30_000 });
    await screenshot(popup.page, 'popup-totp-step');
    await codeField.fill('000000');
    await popup.page.getByRole('button', { name: 'Verify' }).click();
    await popup.error().waitFor();
    expect(await popup.error().textContent()).toContain('That code is not valid');
    // The next time step: each code is accepted once, and enabling used the current one.
    await codeField.fill(totpCode(setup.body.secret, new Date(), 1));
    await popup.page.getByRole('button', { name: 'Verify' }).click();
    await popup.waitForPhase('unlocked');
    await popup.page.close();
  });

  test('when the browser restarts, then the extension is locked (the key lived in storage.session) but still signed in', async () => {
    world.browser = await world.browser.restart();
    expect((await world.browser.storage('session')).userKey ?? null).toBeNull();
    const popup = new PopupPage(await world.browser.openPopup());
    await popup.waitForPhase('locked');
    await screenshot(popup.page, 'popup-locked');
    await popup.unlock(world.person.password);
    await popup.waitForPhase('unlocked');
    await popup.page.close();
  });

  test('when the session is revoked elsewhere (log out everywhere), then the popup returns to the login screen and says why', async () => {
    // The API session opened before two-factor was turned on is still live: use it.
    const revoked = await apiSession!.call('POST', '/auth/logout-all', {});
    expect(revoked.status).toBe(204);

    const popup = new PopupPage(await world.browser.openPopup());
    await popup.waitForPhase('logged-out');
    expect(await popup.page.locator('.sa-alert-warn').textContent()).toContain('Your session has ended');
    // The email is filled in and the master password has the focus: one field to type.
    expect(await popup.page.locator('input[name="email"]').inputValue()).toBe(world.person.email);
    expect(await popup.page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('password');
    const local = await world.browser.storage('local');
    expect(local.refreshToken ?? null).toBeNull();
    expect((await world.browser.storage('session')).userKey ?? null).toBeNull();
    await popup.page.close();
  });
});

import { logInAs } from './support/api-client';
import { PopupPage } from './support/popup-page';
import { startSignedInWorld, type E2eWorld } from './support/session';
import { waitUntil } from './support/wait';

// The extension's global (`browser` in Firefox), as seen inside `evaluateInExtension` callbacks.
declare const chrome: any; // eslint-disable-line @typescript-eslint/no-explicit-any

// The two timers of the background, against the preferences the API holds for the person. Neither
// test waits the real minutes: the clipboard delay is set to a few seconds (the preference allows
// 1..600, 0 = never), and auto-lock moves the recorded last use back, then fires the real alarm
// (re-created with the same name from the extension's side, as the background's own code does).
describe('auto-lock and clipboard clearing follow the preferences', () => {
  let world: E2eWorld;
  const clipboardClearSeconds = 4; // long enough to read the clipboard before, short enough to wait for
  const lockTimeoutSeconds = 2 * 60; // differs from the 15-minute default, so a test fails if it is ignored
  const account = { url: 'https://timers.example/login', username: 'ada@timers.example', password: 'Timer-pass-7f3Q!' };

  /** Runs `fn` with the extension's APIs (`chrome`, the promise API, in both browsers). */
  const inExtension = <R, A>(fn: (arg: A) => R | Promise<R>, arg: A) => world.browser.evaluateInExtension(fn, arg);
  /** Sets the last use `idleMs` ago and makes the real auto-lock alarm due now. */
  const lastUsedAgoThenAlarmDue = (idleMs: number) =>
    inExtension(async (ms: number) => {
      await chrome.storage.session.set({ lastActivity: Date.now() - ms });
      await chrome.alarms.create('auto-lock', { when: Date.now() + 50, periodInMinutes: 1 });
    }, idleMs);

  beforeAll(async () => {
    world = await startSignedInWorld();
    const api = await logInAs(world.api.url, world.person.email, world.person.password);
    const current = await api.call<{ preferences: Record<string, unknown> }>('GET', '/me/preferences');
    const saved = await api.call('PUT', '/me/preferences', { ...current.body.preferences, clipboardClearSeconds, lockTimeoutSeconds });
    expect(saved.status).toBe(200);
    // Opening the popup syncs the preferences into the extension.
    const popup = new PopupPage(await world.browser.openPopup());
    await popup.waitForPhase('unlocked');
    await popup.addAccount(account);
    await waitUntil(
      async () => (await world.browser.storage('local')).preferences as { clipboardClearSeconds?: number; lockTimeoutSeconds?: number } | null,
      (prefs) => prefs?.clipboardClearSeconds === clipboardClearSeconds && prefs?.lockTimeoutSeconds === lockTimeoutSeconds,
      'the preferences to reach the extension',
    );
    await popup.page.close();
  });
  afterAll(async () => {
    await world?.close();
  });

  test('when a password is copied, then the clipboard holds it, and after the preference\'s delay it no longer does', async () => {
    const popup = new PopupPage(await world.browser.openPopup());
    await popup.waitForPhase('unlocked');
    const clipboard = () => world.browser.readClipboard(popup.page);

    await popup.account(account.username).getByRole('button', { name: 'Copy password' }).click();
    await popup.page.getByTestId('popup-message').getByText(`Password copied; the clipboard is cleared in ${clipboardClearSeconds} s.`).waitFor();
    expect(await clipboard()).toBe(account.password);

    // Chrome clears it from the offscreen document (the service worker has no DOM), Firefox from the event page.
    expect(await waitUntil(clipboard, (text) => text !== account.password, 'the clipboard to be cleared', clipboardClearSeconds * 1000 + 15_000)).toBe('');
    await popup.page.close();
  });

  test('when the vault has been idle longer than the lock timeout, then the auto-lock alarm locks it and the key leaves storage.session', async () => {
    // The background keeps a one-minute auto-lock alarm.
    expect(await inExtension(() => chrome.alarms.get('auto-lock'), null)).toMatchObject({ name: 'auto-lock', periodInMinutes: 1 });
    expect(typeof (await world.browser.storage('session')).userKey).toBe('string');

    // The last use (the auto-lock clock) is moved just past the lock timeout, then the real alarm
    // is made due now (an unpacked extension's alarms have no minimum delay), keeping its period.
    await lastUsedAgoThenAlarmDue((lockTimeoutSeconds + 5) * 1000);

    await waitUntil(async () => (await world.browser.storage('session')).userKey ?? null, (key) => key === null, 'the user key to leave storage.session');
    const popup = new PopupPage(await world.browser.openPopup());
    await popup.waitForPhase('locked');
    // Locked, not signed out: the master password opens it again.
    await popup.unlock(world.person.password);
    await popup.waitForPhase('unlocked');
    await popup.page.close();
  });

  test('when the vault was used within the lock timeout, then the auto-lock alarm leaves it unlocked', async () => {
    await lastUsedAgoThenAlarmDue((lockTimeoutSeconds - 30) * 1000);
    // The alarm fired: the browser moved it to its next period, a minute away ...
    await waitUntil(
      () => inExtension(async () => (await chrome.alarms.get('auto-lock')).scheduledTime - Date.now(), null),
      (untilNext: number) => untilNext > 30_000,
      'the auto-lock alarm to fire',
    );
    // ... and the popup, which asks the background after that, still finds the vault unlocked.
    const popup = new PopupPage(await world.browser.openPopup());
    await popup.waitForPhase('unlocked');
    expect(typeof (await world.browser.storage('session')).userKey).toBe('string');
    await popup.page.close();
  });
});

import type { Page } from 'playwright-core';
import { screenshot, typeInto } from './support/browser';
import { logInAs, type AdminSession } from './support/api-client';
import { PopupPage } from './support/popup-page';
import { startSignedInWorld, type E2eWorld } from './support/session';
import { waitUntil } from './support/wait';

// The options page's Preferences section against the real API: every setting is saved on the
// server and obeyed where it matters — the generator's defaults in the popup (and the popup's
// changes kept between openings), the save offer after a submitted login, the profile's name.
describe('preferences: saved on the server and obeyed by the extension', () => {
  let world: E2eWorld;
  let api: AdminSession;
  let options: Page;

  const serverPreferences = async () => (await api.call<{ preferences: Record<string, any> }>('GET', '/me/preferences')).body.preferences; // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    world = await startSignedInWorld();
    api = await logInAs(world.api.url, world.person.email, world.person.password);
    options = await world.browser.openExtensionPage('options.html#preferences');
    await options.getByRole('heading', { name: 'Preferences' }).waitFor();
  });
  afterAll(async () => {
    await world?.close();
  });

  test('when the lock timeout, clipboard delay and generator length are changed, then the server holds them and the popup generator makes 32 characters', async () => {
    await options.getByRole('combobox', { name: 'Lock the vault after' }).selectOption({ label: '5 minutes' });
    await options.getByRole('combobox', { name: 'Clear copied passwords from the clipboard after' }).selectOption({ label: '10 seconds' });
    await options.getByRole('spinbutton', { name: /Length/ }).fill('32');
    await waitUntil(serverPreferences, (p) => p.lockTimeoutSeconds === 300 && p.clipboardClearSeconds === 10 && p.generator.length === 32, 'the preferences to reach the server');
    await screenshot(options, 'options-preferences');

    const popup = new PopupPage(await world.browser.openPopup());
    await popup.waitForPhase('unlocked');
    await popup.page.getByRole('button', { name: 'Generator' }).click();
    await popup.page.waitForFunction(() => (document.querySelector('[data-testid="generated-password"]')?.textContent ?? '').length === 32);
    expect(await popup.page.evaluate(() => document.querySelector('[data-testid="generated-password"]')?.textContent?.length)).toBe(32);
    await popup.page.close();
  });

  test('when the popup generator is switched to a passphrase, then the choice is kept for the next opening', async () => {
    const popup = new PopupPage(await world.browser.openPopup());
    await popup.waitForPhase('unlocked');
    await popup.page.getByRole('button', { name: 'Generator' }).click();
    await popup.page.getByRole('tab', { name: 'Passphrase' }).click();
    await waitUntil(serverPreferences, (p) => p.generator.kind === 'passphrase', 'the generator choice to be saved');
    await popup.page.close();

    const again = new PopupPage(await world.browser.openPopup());
    await again.waitForPhase('unlocked');
    await again.page.getByRole('button', { name: 'Generator' }).click();
    await again.page.waitForFunction(() => document.querySelector('[role="tab"][aria-selected="true"]')?.textContent === 'Passphrase');
    await again.page.close();
  });

  test('when "offer to save new logins" is off, then a submitted new login gets no offer; back on, it does', async () => {
    const submitNewLogin = async (username: string) => {
      const page = await world.browser.context.newPage();
      await page.goto(world.pages.url('login.test', '/login.html'));
      await typeInto(page, '#username', username);
      await typeInto(page, '#password', `${username}-Pa55word!`);
      await page.click('#submit');
      await page.waitForURL(/welcome\.html/);
      return page;
    };
    const offered = async (username: string) =>
      Object.values((await world.browser.storage('session')).pendingOffers ?? {}).some((offer) => (offer as { username: string }).username === username);

    await options.getByRole('checkbox', { name: 'Offer to save new logins' }).uncheck();
    await waitUntil(serverPreferences, (p) => p.notifications.offerSave === false, 'offerSave off on the server');
    const quiet = await submitNewLogin('quiet@example.com');
    // A positive control follows: the same flow with the offer on must be offered.
    await quiet.waitForTimeout(1_500);
    expect(await offered('quiet@example.com')).toBe(false);
    await quiet.close();

    await options.getByRole('checkbox', { name: 'Offer to save new logins' }).check();
    await waitUntil(serverPreferences, (p) => p.notifications.offerSave === true, 'offerSave on again');
    const loud = await submitNewLogin('loud@example.com');
    await waitUntil(() => offered('loud@example.com'), (yes) => yes, 'the save offer with the preference on');
    await loud.close();
  });

  test('when the name is changed, then /me has it and the extension keeps it (a reload of the page shows it)', async () => {
    await options.getByRole('textbox', { name: 'First name' }).fill('Augusta Ada');
    await options.getByRole('textbox', { name: 'Last name' }).fill('King');
    await options.getByRole('button', { name: 'Save name' }).click();
    await options.getByTestId('profile-saved').waitFor();
    const me = await api.call<{ user: { firstName: string; lastName: string } }>('GET', '/me');
    expect(me.body.user).toMatchObject({ firstName: 'Augusta Ada', lastName: 'King' });
    await options.reload();
    await options.getByRole('textbox', { name: 'First name' }).waitFor();
    await waitUntil(() => options.getByRole('textbox', { name: 'First name' }).inputValue(), (value) => value === 'Augusta Ada', 'the stored name after a reload');
  });
});

import type { Page } from 'playwright-core';
import { screenshot, waitForInlineFrame } from './support/browser';
import { logInAs, type AdminSession } from './support/api-client';
import { PopupPage } from './support/popup-page';
import { startSignedInWorld, type E2eWorld } from './support/session';

// The i18n layer and the theme in real Chromium: a language and theme chosen in the preferences
// (the browser itself stays in English) reach the popup, the inline frames and the background.
describe('display: Spanish and the dark theme chosen in the preferences', () => {
  let world: E2eWorld;
  let api: AdminSession;

  /** What the options page will do: save the preferences on the server (the extension syncs them). */
  async function savePreferences(display: { theme: string; language: string }): Promise<void> {
    const current = await api.call<{ preferences: Record<string, unknown> }>('GET', '/me/preferences');
    const saved = await api.call('PUT', '/me/preferences', { ...current.body.preferences, ...display });
    expect(saved.status).toBe(200);
  }

  async function setDisplay(display: { theme: string; language: string }): Promise<void> {
    await world.browser.setStorage('local', { display });
  }

  beforeAll(async () => {
    world = await startSignedInWorld();
    api = await logInAs(world.api.url, world.person.email, world.person.password);
  });
  afterAll(async () => {
    await world?.close();
  });

  test('when Spanish and dark are saved in the preferences, then the popup speaks Spanish in dark colours, and switches back live', async () => {
    await savePreferences({ theme: 'dark', language: 'es' });
    const popup = new PopupPage(await world.browser.openPopup());
    await popup.waitForPhase('unlocked');

    await popup.page.getByRole('button', { name: 'Añadir', exact: true }).waitFor();
    expect(await popup.page.evaluate(() => [document.documentElement.dataset.theme, document.documentElement.lang])).toEqual(['dark', 'es']);
    expect(await popup.page.locator('body').evaluate((body) => getComputedStyle(body).backgroundColor)).toBe('rgb(21, 26, 36)');
    await popup.page.getByText('Aún no hay cuentas').waitFor();
    await screenshot(popup.page, 'popup-vault-es-dark');

    await popup.page.getByTestId('lock').click();
    await popup.waitForPhase('locked');
    await popup.page.getByRole('heading', { name: 'Bóveda bloqueada' }).waitFor();
    // A message made by the background (its error texts) is in Spanish too.
    await popup.page.locator('input[name="password"]').fill('not the master password');
    await popup.page.getByRole('button', { name: 'Desbloquear' }).click();
    await popup.page.getByRole('alert').getByText('Contraseña maestra incorrecta.').waitFor({ timeout: 30_000 });
    await screenshot(popup.page, 'popup-unlock-es-dark');

    await savePreferences({ theme: 'light', language: 'en' });
    await setDisplay({ theme: 'light', language: 'en' }); // as the options page does after saving
    await popup.page.getByRole('heading', { name: 'Vault locked' }).waitFor();
    expect(await popup.page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await popup.unlock(world.person.password);
    await popup.waitForPhase('unlocked');
    await popup.page.close();
  });

  test('when Spanish and dark are chosen, then the inline menu in the page follows them', async () => {
    await savePreferences({ theme: 'dark', language: 'es' });
    await setDisplay({ theme: 'dark', language: 'es' });
    const page: Page = await world.browser.context.newPage();
    await page.goto(world.pages.url('login.test', '/login.html'));
    await page.click('#username');
    const frame = await waitForInlineFrame(page);
    await frame.getByText('No hay ningún inicio de sesión guardado para login.test').waitFor();
    expect(await frame.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await frame.getByRole('button', { name: 'Cerrar' }).waitFor();
    await screenshot(page, 'inline-menu-es-dark');
    await page.close();
  });

  test('when the person picks Spanish and dark on the options page, then it is saved on the server and the page follows at once', async () => {
    await savePreferences({ theme: 'system', language: 'auto' });
    const page = await world.browser.openExtensionPage('options.html');
    await page.getByRole('heading', { name: 'Preferences' }).waitFor();
    await page.getByRole('combobox', { name: 'Language' }).selectOption('es');
    await page.getByRole('heading', { name: 'Preferencias' }).waitFor();
    await page.getByRole('combobox', { name: 'Tema' }).selectOption('dark');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    await page.getByRole('link', { name: 'Preferencias' }).focus();
    await screenshot(page, 'options-preferences-es-dark');
    const saved = await api.call<{ preferences: { theme: string; language: string } }>('GET', '/me/preferences');
    expect(saved.body.preferences).toMatchObject({ theme: 'dark', language: 'es' });
    await page.close();
  });
});

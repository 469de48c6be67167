import { startApiServer, type ApiServer } from './support/api-server';
import { launchExtensionBrowser, screenshot, type ExtensionBrowser } from './support/browser';
import { PopupPage } from './support/popup-page';

describe('first run: server setup', () => {
  let api: ApiServer;
  let browser: ExtensionBrowser;

  beforeAll(async () => {
    api = await startApiServer();
    browser = await launchExtensionBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.stop();
  });

  test('when the server address is unreachable, then the popup says so and stays on setup', async () => {
    const popup = new PopupPage(await browser.openPopup());
    await popup.waitForPhase('setup');
    // A port nothing listens on (the API's port + 1 is free only by luck, so use a reserved one).
    await popup.page.locator('input[name="serverUrl"]').fill('http://127.0.0.1:9');
    await popup.page.getByRole('button', { name: 'Continue' }).click();
    await popup.error().waitFor();
    expect(await popup.error().textContent()).toContain('Cannot reach the server at http://127.0.0.1:9');
    expect(await popup.phase()).toBe('setup');
    await popup.page.close();
  });

  test('when the person enters the API address, then the popup reports the server ready and moves to login', async () => {
    const popup = new PopupPage(await browser.openPopup());
    await popup.waitForPhase('setup');
    expect(await popup.page.locator('input[name="serverUrl"]').inputValue()).toBe('http://127.0.0.1:8080');
    await screenshot(popup.page, 'popup-server-setup');
    const message = await popup.setUpServer(api.url);
    expect(message).toContain('Server is ready.');
    await popup.waitForPhase('logged-out');
    expect(await browser.storage('local')).toMatchObject({ serverUrl: api.url, serverConfirmed: true });
  });
});

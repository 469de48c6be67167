// Shared setup of the suites that need a signed-in extension: API + fixture pages + browser, the
// server confirmed in the popup and one person signed up (the first user, so an admin).
import { startApiServer, type ApiServer } from './api-server';
import { launchExtensionBrowser, type ExtensionBrowser } from './browser';
import { startFixtureServer, type FixtureServer } from './fixture-server';
import { PopupPage, type Person } from './popup-page';

export interface E2eWorld {
  api: ApiServer;
  pages: FixtureServer;
  browser: ExtensionBrowser;
  person: Person;
  recoveryCode: string;
  close(): Promise<void>;
}

let counter = 0;
export function newPerson(): Person {
  counter++;
  return {
    email: `ada.${process.pid}.${counter}@example.com`,
    firstName: 'Ada',
    lastName: 'Lovelace',
    password: `correct horse battery staple ${counter}`,
  };
}

/** `apiEnv`: settings of the API process (e.g. a suite that registers many users raises the auth rate limit). */
export async function startSignedInWorld(apiEnv: Record<string, string> = {}): Promise<E2eWorld> {
  const api = await startApiServer(apiEnv);
  const pages = await startFixtureServer();
  const browser = await launchExtensionBrowser();
  const person = newPerson();
  const popup = new PopupPage(await browser.openPopup());
  await popup.waitForPhase('setup');
  await popup.setUpServer(api.url);
  await popup.waitForPhase('logged-out');
  const recoveryCode = await popup.signUp(person);
  await popup.page.close();
  const world: E2eWorld = {
    api,
    pages,
    browser,
    person,
    recoveryCode,
    async close() {
      // The current browser: a suite may have restarted it (world.browser = await browser.restart()).
      await world.browser.close();
      await pages.stop();
      await api.stop();
    },
  };
  return world;
}

import type { Page } from 'playwright-core';
import { screenshot } from './support/browser';
import { PopupPage } from './support/popup-page';
import { startSignedInWorld, type E2eWorld } from './support/session';
import { waitUntil } from './support/wait';

// Every options section an admin sees and the popup's main screens, in English and Spanish, light
// and dark, against the real API: each is saved as a screenshot (test-artifacts/screens-*.png) and
// its text is searched for what must never show — a message key that was not translated, a raw
// error object, a stack trace, "undefined" or "NaN" (issue 9: "none shows a raw error object, a
// stack or an untranslated key").
describe('every screen in two languages and two themes', () => {
  let world: E2eWorld;

  const messageKeyPattern = /\b(?:common|vault|options|people|security|overview|catalogue|transfer|inline|fill|errors|auth|generator|popup|extName)\.[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*\b/;
  const rawPatterns: [string, RegExp][] = [
    ['an untranslated message key', messageKeyPattern],
    ['a raw object', /\[object [A-Za-z]+\]/],
    ['a stack trace', /\n\s+at [^\n]+:\d+:\d+/],
    ['undefined or NaN', /\b(?:undefined|NaN)\b/],
    ['an exception name', /\b(?:TypeError|ReferenceError|SyntaxError|ZodError)\b/],
  ];

  async function assertClean(page: Page, where: string): Promise<void> {
    const text = await page.evaluate(() => document.body.innerText);
    const problems = rawPatterns.filter(([, pattern]) => pattern.test(text)).map(([what, pattern]) => `${what}: ${pattern.exec(text)![0]}`);
    // Longer words (Spanish) must wrap, never push the page sideways.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 1) problems.push(`wider than its window by ${overflow} px`);
    expect({ where, problems }).toEqual({ where, problems: [] });
  }

  /** Waits until the page has nothing loading (spinners gone) or 15 s. */
  async function settled(page: Page): Promise<void> {
    await waitUntil(() => page.locator('.sa-spinner').count(), (n) => n === 0, 'the section to finish loading', 15_000).catch(() => undefined);
  }

  async function setLook(language: 'en' | 'es', theme: 'light' | 'dark'): Promise<void> {
    const page = await world.browser.openExtensionPage('options.html#preferences');
    await page.locator('select[name="theme"]').waitFor({ timeout: 10_000 }).catch(async (error: unknown) => {
      await screenshot(page, `screens-${language}-${theme}-preferences-missing`);
      throw error;
    });
    await page.locator('select[name="theme"]').selectOption(theme);
    await page.locator('select[name="language"]').selectOption(language);
    await waitUntil(() => page.evaluate(() => document.documentElement.dataset.theme ?? ''), (value) => value === theme, `the ${theme} theme`);
    await page.close();
  }

  beforeAll(async () => {
    world = await startSignedInWorld();
    const popup = new PopupPage(await world.browser.openPopup());
    await popup.waitForPhase('unlocked');
    await popup.addAccount({ url: 'https://screens.test/login', username: 'ana@example.com', password: 'Screens-Pa55word!' });
    await popup.page.close();
  });
  afterAll(async () => {
    await world?.close();
  });

  for (const language of ['en', 'es'] as const) {
    for (const theme of ['light', 'dark'] as const) {
      test(`when the extension is in ${language} with the ${theme} theme, then every options section and popup screen is translated and shows no raw error`, async () => {
        await setLook(language, theme);
        const options = await world.browser.openExtensionPage('options.html');
        const links = options.getByRole('navigation').getByRole('link');
        await links.first().waitFor();
        const sections = await options.evaluate(() =>
          Array.from(document.querySelectorAll<HTMLAnchorElement>('nav a')).map((a) => ({ id: a.hash.slice(1), title: a.textContent ?? '' })),
        );
        expect(sections.length).toBeGreaterThanOrEqual(10);
        for (const section of sections) {
          await options.getByRole('navigation').getByRole('link', { name: section.title, exact: true }).click();
          await options.locator('#section-title').filter({ hasText: section.title }).waitFor();
          await settled(options);
          expect(await options.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
          await screenshot(options, `screens-${language}-${theme}-options-${section.id}`);
          await assertClean(options, `options #${section.id} (${language}, ${theme})`);
        }
        await options.close();

        const popup = new PopupPage(await world.browser.openPopup());
        await popup.waitForPhase('unlocked');
        await settled(popup.page);
        await screenshot(popup.page, `screens-${language}-${theme}-popup-vault`);
        await assertClean(popup.page, `popup vault (${language}, ${theme})`);
        await popup.page.getByRole('button', { name: language === 'en' ? 'Generator' : 'Generador' }).click();
        await popup.page.getByTestId('generated-password').waitFor();
        await screenshot(popup.page, `screens-${language}-${theme}-popup-generator`);
        await assertClean(popup.page, `popup generator (${language}, ${theme})`);
        await popup.page.getByRole('button', { name: language === 'en' ? 'Generator' : 'Generador' }).click();
        await popup.page.getByRole('button', { name: language === 'en' ? 'Add' : 'Añadir', exact: true }).click();
        await popup.page.getByTestId('account-form').waitFor();
        await screenshot(popup.page, `screens-${language}-${theme}-popup-add`);
        await assertClean(popup.page, `popup add form (${language}, ${theme})`);
        await popup.page.getByRole('button', { name: language === 'en' ? 'Cancel' : 'Cancelar', exact: true }).click();
        await popup.lock();
        await popup.waitForPhase('locked');
        await screenshot(popup.page, `screens-${language}-${theme}-popup-locked`);
        await assertClean(popup.page, `popup locked (${language}, ${theme})`);
        // In any language: the master password and Enter (the page object's button names are English).
        await popup.page.locator('input[name="password"]').fill(world.person.password);
        await popup.page.locator('input[name="password"]').press('Enter');
        await popup.waitForPhase('unlocked', 60_000);
        if (language === 'es' && theme === 'dark') {
          // Last of all, the login screen (after a logout the email is filled in).
          await popup.logOut();
          await screenshot(popup.page, `screens-${language}-${theme}-popup-login`);
          await assertClean(popup.page, `popup login (${language}, ${theme})`);
        }
        await popup.page.close();
      });
    }
  }
});

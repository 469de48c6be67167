import type { Frame, Page } from 'playwright-core';
import { screenshot } from './support/browser';
import { InlineMenu } from './support/inline-menu';
import { PopupPage } from './support/popup-page';
import { startSignedInWorld, type E2eWorld } from './support/session';
import { waitUntil } from './support/wait';

// Hostile pages of our own (tests/e2e/fixtures/hostile): a form or frame a person cannot see —
// faded, covered, tiny, off screen, moved after the menu opened — gets no fill from any path, and
// the person is told why. Each case asserts the fields stayed empty and the reason shown.
describe('autofill refuses what a person cannot see (real Chromium)', () => {
  let world: E2eWorld;
  const ada = { username: 'ada@example.com', password: 'S3cret-pass!ada' };

  const url = (host: string, path: string) => world.pages.url(host, path);

  async function openPage(address: string): Promise<Page> {
    const page = await world.browser.context.newPage();
    await page.goto(address);
    return page;
  }

  async function values(target: Page | Frame): Promise<string[]> {
    return Promise.all(['#username', '#password'].map((selector) => target.locator(selector).inputValue()));
  }

  /** The frame holding the login form (the page itself, or the frame whose URL ends so). */
  async function loginFrame(page: Page, path = '/hostile/frame-login.html'): Promise<Frame> {
    for (let i = 0; i < 50; i++) {
      const frame = page.frames().find((f) => f !== page.mainFrame() && new URL(f.url()).pathname === path);
      if (frame) {
        await frame.locator('#username').waitFor({ state: 'attached' });
        return frame;
      }
      await page.waitForTimeout(100);
    }
    throw new Error(`no frame ${path}`);
  }

  /** Popup → Fill on the tab; returns what the popup said. */
  async function fillFromPopup(page: Page): Promise<string> {
    const popup = new PopupPage(await world.browser.openPopup(page));
    await popup.waitForPhase('unlocked');
    await popup.fill(ada.username);
    const message = popup.page.getByTestId('popup-message').or(popup.page.getByTestId('fill-confirm'));
    await message.first().waitFor();
    const text = (await message.first().textContent()) ?? '';
    await popup.page.close();
    return text;
  }

  beforeAll(async () => {
    world = await startSignedInWorld();
    const popup = new PopupPage(await world.browser.openPopup());
    await popup.waitForPhase('unlocked');
    await popup.addAccount({ url: url('login.test', '/'), ...ada });
    await popup.page.close();
  });
  afterAll(async () => {
    await world?.close();
  });

  describe.each(['0', '0.01', '0.1', '0.4'])('opacity %s', (opacity) => {
    test.each(['field', 'ancestor'])('on the %s: the popup fills nothing and says why', async (on) => {
      const page = await openPage(url('login.test', `/hostile/fade-field.html?opacity=${opacity}&on=${on}`));
      const said = await fillFromPopup(page);
      // Opacity 0 is not even detected as a login form; the others are refused as transparent.
      expect(said).toMatch(opacity === '0' ? /No login form|transparent/ : new RegExp(`transparent \\(opacity ${opacity}\\)`));
      expect(await values(page)).toEqual(['', '']);
      await page.close();
    });

    test.each(['frame', 'ancestor'])('on the %s of a same-origin frame: the popup fills nothing and names the frame', async (on) => {
      const page = await openPage(url('login.test', `/hostile/fade-frame.html?opacity=${opacity}&on=${on}`));
      const frame = await loginFrame(page);
      const said = await fillFromPopup(page);
      expect(said).toMatch(new RegExp(`frame from login\\.test:\\d+ that holds this form is almost transparent \\(opacity ${opacity}\\)`));
      expect(said).not.toContain('Fill anyway');
      expect(await values(frame)).toEqual(['', '']);
      await page.close();
    });
  });

  test('opacity 0.1 on the field: the inline menu (reached by keyboard) says why and lists no account', async () => {
    const page = await openPage(url('login.test', '/hostile/fade-field.html?opacity=0.1&on=field'));
    // The content script starts at document_idle and gives no signal: let it scan first.
    await page.waitForTimeout(500);
    await page.keyboard.press('Tab');
    const menu = await InlineMenu.of(page);
    await menu.blocked().waitFor();
    expect(await menu.blocked().textContent()).toContain('almost transparent (opacity 0.1)');
    expect(await menu.accounts().count()).toBe(0);
    await screenshot(page, 'inline-menu-refuses-faded-field');
    expect(await values(page)).toEqual(['', '']);
    await page.close();
  });

  test('opacity 0.4 on a cross-origin frame: refused as transparent, never offered "Fill anyway"', async () => {
    const page = await openPage(url('login.test', '/hostile/fade-frame.html?opacity=0.4&on=frame&host=evil.test'));
    const frame = await loginFrame(page);
    const said = await fillFromPopup(page);
    expect(said).toMatch(/frame from evil\.test:\d+ that holds this form is almost transparent \(opacity 0\.4\)/);
    expect(await values(frame)).toEqual(['', '']);
    await page.close();
  });

  test('a transparent overlay over the form: the popup refuses, the field is covered', async () => {
    const page = await openPage(url('login.test', '/hostile/overlay-field.html'));
    const said = await fillFromPopup(page);
    expect(said).toContain('covered by something else on the page');
    expect(await values(page)).toEqual(['', '']);
    await page.close();
  });

  test.each([
    ['1x1', /too small to see|clipped out of sight|No login form/],
    ['offscreen', /off screen|No login form/],
    ['hidden', /is hidden|No login form/],
  ])('a %s same-origin frame: nothing is filled and the popup says why', async (mode, said) => {
    const page = await openPage(url('login.test', `/hostile/frame-size.html?mode=${mode}`));
    const frame = await loginFrame(page);
    expect(await fillFromPopup(page)).toMatch(said);
    expect(await values(frame)).toEqual(['', '']);
    await page.close();
  });

  test('five frames with a form, one visible and same-origin: the popup fills that one only, without a question', async () => {
    const page = await openPage(url('login.test', '/hostile/five-frames.html'));
    await page.waitForFunction(() => document.querySelectorAll('iframe').length === 5);
    await page.waitForTimeout(800);
    const popup = new PopupPage(await world.browser.openPopup(page));
    await popup.waitForPhase('unlocked');
    await popup.fill(ada.username);
    const target = (await page.locator('#f5').elementHandle())!;
    const fifth = (await target.contentFrame())!;
    await fifth.waitForFunction(() => (document.getElementById('password') as HTMLInputElement).value !== '');
    expect(await values(fifth)).toEqual([ada.username, ada.password]);
    for (const id of ['f1', 'f2', 'f3', 'f4']) {
      const other = (await (await page.locator(`#${id}`).elementHandle())!.contentFrame())!;
      expect(await values(other)).toEqual(['', '']);
    }
    // (A confirmation would have stopped the fill: the popup closes itself once it filled.)
    await popup.page.close().catch(() => undefined);
    await page.close();
  });

  test('a frame page that moves the form into a transparent box after the menu opened: the pick fills nothing', async () => {
    const page = await openPage(url('login.test', '/hostile/reparent-host.html'));
    const frame = await loginFrame(page, '/hostile/reparent-frame.html');
    await frame.locator('#username').click();
    const menu = await InlineMenu.of(page);
    await menu.account(ada.username).waitFor();
    await frame.waitForFunction(() => document.body.dataset.moved === 'yes');
    await menu.pick(ada.username);
    await menu.frame.getByText(/almost transparent \(opacity 0\.02\)|No login form/).waitFor();
    expect(await values(frame)).toEqual(['', '']);
    await page.close();
  });

  test('a login inside a 300×150 same-origin iframe: the inline menu, drawn by the top page over the field, fills it', async () => {
    const page = await openPage(url('login.test', '/hostile/fade-frame.html?opacity=1'));
    const frame = await loginFrame(page);
    await frame.locator('#username').click();
    const menu = await InlineMenu.of(page);
    // Drawn by the top page (not clipped inside the small frame): its host element, which is the
    // menu's box (position: fixed, the menu's size), is in the top document.
    const host = page.locator('secureaccess-inline-ui');
    expect(await host.count()).toBe(1);
    // Its height follows the content the frame reports once it has drawn the account.
    await menu.account(ada.username).waitFor();
    const drawn = (await waitUntil(() => host.boundingBox(), (box) => (box?.height ?? 0) > 80, 'the menu at its content height'))!;
    const field = (await frame.locator('#username').boundingBox())!;
    // Next to the field (there is room on the right), not over the password field below it.
    const password = (await frame.locator('#password').boundingBox())!;
    const overlaps = (a: typeof drawn, b: typeof drawn) =>
      a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    expect(overlaps(drawn, password)).toBe(false);
    expect(overlaps(drawn, field)).toBe(false);
    expect(Math.min(Math.abs(drawn.x - (field.x + field.width)), Math.abs(drawn.y - (field.y + field.height)))).toBeLessThan(12);
    await screenshot(page, 'inline-menu-small-iframe');
    await menu.pick(ada.username);
    await frame.waitForFunction(() => (document.getElementById('password') as HTMLInputElement).value !== '');
    expect(await values(frame)).toEqual([ada.username, ada.password]);
    await page.close();
  });
});

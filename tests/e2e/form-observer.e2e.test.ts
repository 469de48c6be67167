// observeForms in the real browser (Chromium and Firefox), for what jsdom cannot show: a login in a top-layer <dialog>
// opened with showModal(), and one in a popover opened with showPopover() (which changes no
// attribute, only fires `toggle`). The detector is bundled into the page as in the heavy-page
// bench (tests/bench/form-detection-chromium.bench.ts) on a page set with setContent (about:blank,
// where the extension's own content script does not run); no API or vault is needed.
import type { Page } from 'playwright-core';
import { bundleDetector } from '../bench/form-detection-chromium.bench';
import { browserName, launchExtensionBrowser, type ExtensionBrowser } from './support/browser';

const login = (prefix: string) =>
  `<form action="/session" method="post"><h2>Sign in</h2><input id="${prefix}-user" autocomplete="username">` +
  `<input id="${prefix}-pass" type="password" autocomplete="current-password"><button type="submit">Sign in</button></form>`;

describe(`observeForms in ${browserName}`, () => {
  let browser: ExtensionBrowser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchExtensionBrowser();
    page = await browser.context.newPage();
    await page.setContent(`<!doctype html><html><head><title>Photos</title></head><body><main><h1>Albums</h1></main>
      <dialog id="dlg">${login('dlg')}</dialog><div id="pop" popover>${login('pop')}</div></body></html>`);
    await page.evaluate('globalThis.__name = (fn) => fn');
    await page.addScriptTag({ content: bundleDetector() });
    await page.evaluate(() => {
      const bench = (globalThis as unknown as { formBench: { observeForms: (cb: (forms: { passwordField?: HTMLInputElement }[]) => void, o: { signal: AbortSignal; throttleMs: number }) => void } }).formBench;
      const seen: string[][] = [];
      (globalThis as unknown as { seen: string[][] }).seen = seen;
      bench.observeForms((forms) => seen.push(forms.map((f) => f.passwordField?.id ?? '?')), { signal: new AbortController().signal, throttleMs: 0 });
    });
  });
  afterAll(async () => browser?.close());

  const latest = () => page.evaluate(() => (globalThis as unknown as { seen: string[][] }).seen.at(-1));
  /** The latest scan's result once it equals `want`, or the last one seen after 5 s. */
  async function settledTo(want: string[]): Promise<string[] | undefined> {
    let got = await latest();
    for (const deadline = Date.now() + 5_000; JSON.stringify(got) !== JSON.stringify(want) && Date.now() < deadline; got = await latest()) {
      await page.waitForTimeout(50);
    }
    return got;
  }

  it('when the page loads with a closed dialog and a hidden popover, then no login is found', async () => {
    expect(await latest()).toEqual([]);
  });

  it('when the dialog is opened with showModal(), then its login is found', async () => {
    await page.evaluate(() => (document.getElementById('dlg') as HTMLDialogElement).showModal());

    expect(await settledTo(['dlg-pass'])).toEqual(['dlg-pass']);
  });

  it('when the popover is opened with showPopover(), then its login is found too', async () => {
    await page.evaluate(() => (document.getElementById('pop') as HTMLElement).showPopover());

    expect(await settledTo(['dlg-pass', 'pop-pass'])).toEqual(['dlg-pass', 'pop-pass']);
  });
});

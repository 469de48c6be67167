// The browser the suite drives, chosen by E2E_BROWSER (chromium, the default, or firefox): the same
// test files and page objects run in both. Chromium: Debian's /usr/bin/chromium, `--headless=new`,
// the unpacked MV3 build; the extension id comes from its service worker URL. Firefox: firefox.ts.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Download, type Frame, type Page, type Worker } from 'playwright-core';
import { repoRoot } from './api-server';
import { catchFirefoxDownload, countFirefoxInlineFrames, findFirefoxExtensionFrame, firefoxExtensionDir, launchFirefoxExtensionBrowser, waitForFirefoxInlineFrame } from './firefox';

// The service worker's global, as seen inside `worker.evaluate` callbacks.
declare const chrome: any; // eslint-disable-line @typescript-eslint/no-explicit-any

export type BrowserName = 'chromium' | 'firefox';
export const browserName: BrowserName = process.env.E2E_BROWSER === 'firefox' ? 'firefox' : 'chromium';
export const extensionDir = browserName === 'firefox' ? firefoxExtensionDir : path.join(repoRoot, 'extension/.output/chrome-mv3');
export const artifactsDir = path.join(repoRoot, 'test-artifacts');

export interface ExtensionBrowser {
  context: BrowserContext;
  /** The host of the extension's pages: chrome-extension://<id>/, moz-extension://<id>/. */
  extensionId: string;
  browserName: BrowserName;
  /** Chromium only: the MV3 service worker (Firefox's MV2 event page is out of any driver's reach). */
  serviceWorker(): Promise<Worker>;
  /** The popup, opened in its own tab for `target` (popup.html?tab=<id>) or with no target. */
  openPopup(target?: Page): Promise<Page>;
  /** Another extension page in its own tab, e.g. `options.html#security`. */
  openExtensionPage(pathAndQuery: string): Promise<Page>;
  tabIdOf(page: Page): Promise<number>;
  /** chrome.storage.local / .session as the extension sees them. */
  storage(area: 'local' | 'session'): Promise<Record<string, unknown>>;
  /** Writes `items` into chrome.storage.local / .session, as the extension's own code would. */
  setStorage(area: 'local' | 'session', items: Record<string, unknown>): Promise<void>;
  /** Removes `keys` from chrome.storage.local / .session. */
  removeStorage(area: 'local' | 'session', keys: string[]): Promise<void>;
  /**
   * Runs `fn` with the extension's own APIs — in Chromium's service worker, in a Firefox extension
   * document (so not the background's memory): storage, alarms, tabs, the toolbar button. `fn` is
   * serialised; in it `chrome` names the promise API in both browsers.
   */
  evaluateInExtension<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** The extension's keyboard shortcut `command` pressed by a person, with `page` the active tab. */
  pressShortcut(command: string, page: Page): Promise<void>;
  /** Stops the background (the MV3 worker, the MV2 event page) as the browser does when it idles. */
  stopBackground(): Promise<void>;
  /** What the system clipboard holds now (read in `page`, a focused page of this browser). */
  readClipboard(page: Page): Promise<string>;
  /** Quits the browser and starts it again on the same profile (storage.session is gone). */
  restart(): Promise<ExtensionBrowser>;
  close(): Promise<void>;
}

export function launchExtensionBrowser(profileDir?: string): Promise<ExtensionBrowser> {
  return browserName === 'firefox' ? launchFirefoxExtensionBrowser(profileDir) : launchChromiumExtensionBrowser(profileDir);
}

async function launchChromiumExtensionBrowser(profileDir?: string): Promise<ExtensionBrowser> {
  const userDataDir = profileDir ?? mkdtempSync(path.join(tmpdir(), 'sa-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: false,
    viewport: { width: 1100, height: 800 },
    args: [
      '--headless=new',
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      // Every *.test name is loopback: fixture pages get distinct real origins.
      '--host-resolver-rules=MAP *.test 127.0.0.1',
    ],
  });
  let worker = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
  worker ??= await context.waitForEvent('serviceworker', { timeout: 15_000 });
  const extensionId = new URL(worker.url()).host;

  const serviceWorker = async (): Promise<Worker> => {
    const live = context.serviceWorkers().find((w) => w.url().startsWith(`chrome-extension://${extensionId}/`));
    return live ?? context.waitForEvent('serviceworker', { timeout: 15_000 });
  };

  const tabIdOf = async (page: Page): Promise<number> => {
    const sw = await serviceWorker();
    const url = page.url();
    const id = await sw.evaluate(async (wanted) => {
      const tabs = await chrome.tabs.query({});
      return tabs.find((tab: { url?: string }) => tab.url === wanted)?.id ?? null;
    }, url);
    if (id === null) throw new Error(`no tab with URL ${url}`);
    return id;
  };

  return {
    context,
    extensionId,
    browserName: 'chromium',
    serviceWorker,
    tabIdOf,
    async openPopup(target) {
      const query = target ? `?tab=${await tabIdOf(target)}` : '';
      const popup = await context.newPage();
      await popup.setViewportSize({ width: 380, height: 600 });
      await popup.goto(`chrome-extension://${extensionId}/popup.html${query}`);
      return popup;
    },
    async openExtensionPage(pathAndQuery) {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extensionId}/${pathAndQuery}`);
      return page;
    },
    async storage(area) {
      const sw = await serviceWorker();
      return sw.evaluate((which) => chrome.storage[which].get(null), area);
    },
    async setStorage(area, items) {
      const sw = await serviceWorker();
      await sw.evaluate(([which, values]) => chrome.storage[which].set(values), [area, items] as const);
    },
    async removeStorage(area, keys) {
      const sw = await serviceWorker();
      await sw.evaluate(([which, names]) => chrome.storage[which].remove(names), [area, keys] as const);
    },
    async evaluateInExtension<R, A>(fn: (arg: A) => R | Promise<R>, arg: A) {
      const sw = await serviceWorker();
      // Plain values only cross (no handles), so Playwright's unboxed argument is `arg` itself.
      return sw.evaluate(fn as (arg: unknown) => R | Promise<R>, arg);
    },
    async pressShortcut(command, page) {
      const tabId = await tabIdOf(page);
      const sw = await serviceWorker();
      await sw.evaluate(async ([name, id]) => chrome.commands.onCommand.dispatch(name, await chrome.tabs.get(id)), [command, tabId] as const);
    },
    async stopBackground() {
      // Over CDP, from any page: the worker's target closed, as Chrome closes an idle worker.
      const page = context.pages()[0] ?? (await context.newPage());
      const cdp = await context.newCDPSession(page);
      try {
        const isOurs = (t: { type: string; url: string }) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${extensionId}/`);
        const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: { targetId: string; type: string; url: string }[] };
        const worker = targetInfos.find(isOurs);
        if (!worker) throw new Error('the service worker is not running');
        await cdp.send('Target.closeTarget', { targetId: worker.targetId });
        // Stopped once its target is gone (the next message to the background starts a new worker).
        for (let i = 0; ; i++) {
          const now = (await cdp.send('Target.getTargets')) as { targetInfos: { targetId: string }[] };
          if (!now.targetInfos.some((t) => t.targetId === worker.targetId)) return;
          if (i === 50) throw new Error('the service worker did not stop');
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      } finally {
        await cdp.detach();
      }
    },
    async readClipboard(page) {
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      return page.evaluate(() => navigator.clipboard.readText());
    },
    async restart() {
      await context.close();
      return launchChromiumExtensionBrowser(userDataDir);
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** The toolbar button's badge and title on `page`'s tab (MV3 `action`, MV2 `browserAction`). */
export async function toolbarBadge(extension: ExtensionBrowser, page: Page): Promise<{ badge: string; title: string }> {
  const tabId = await extension.tabIdOf(page);
  return extension.evaluateInExtension(async (id: number) => {
    // MV3's action in Chromium, MV2's browserAction in Firefox.
    const button = chrome.action ?? chrome.browserAction;
    return { badge: await button.getBadgeText({ tabId: id }), title: await button.getTitle({ tabId: id }) };
  }, tabId);
}

/**
 * The file a download started by `start` saved, from whichever tab of the browser it came (the
 * extension page that offers a file is not always a Playwright page): Chromium reports it to
 * Playwright; Firefox saves it in the profile's download folder, which is watched (firefox.ts).
 */
export async function catchDownload(context: BrowserContext, start: () => Promise<unknown>): Promise<{ path: string; suggestedFilename: string }> {
  if (browserName === 'firefox') return catchFirefoxDownload(context, start);
  let resolve: (download: Download) => void = () => {};
  const downloaded = new Promise<Download>((done) => { resolve = done; });
  const onDownload = (download: Download) => resolve(download);
  const watched: Page[] = [];
  const watch = (page: Page) => {
    page.on('download', onDownload);
    watched.push(page);
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  try {
    const [download] = await Promise.all([downloaded, start()]);
    return { path: await download.path(), suggestedFilename: download.suggestedFilename() };
  } finally {
    context.off('page', watch);
    for (const page of watched) page.off('download', onDownload);
  }
}

/** The inline UI frame (menu, confirmation or save bar) inside `page`, once it is there. */
export async function waitForInlineFrame(page: Page, timeoutMs = 10_000): Promise<Frame> {
  if (browserName === 'firefox') return waitForFirefoxInlineFrame(page, timeoutMs);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = page.frames().find((f) => f.url().includes('/inline-ui.html'));
    if (frame) {
      await frame.waitForLoadState('domcontentloaded');
      return frame;
    }
    if (Date.now() > deadline) throw new Error('the inline UI frame did not appear');
    await page.waitForTimeout(100);
  }
}

/** Chromium only (Firefox's WebDriver BiDi lists no extension frames): prefer countInlineFrames. */
export function inlineFrames(page: Page): Frame[] {
  if (browserName === 'firefox') throw new Error('inlineFrames() cannot list extension frames in Firefox: use countInlineFrames()');
  return page.frames().filter((f) => f.url().includes('/inline-ui.html'));
}

/** An extension frame in `page` whose URL contains `urlPart` (e.g. one a page forged), if any. */
export async function extensionFrame(page: Page, urlPart: string): Promise<Frame | undefined> {
  if (browserName === 'firefox') return findFirefoxExtensionFrame(page, urlPart);
  return page.frames().find((f) => f.url().includes(urlPart));
}

/**
 * `test` in Chromium; in Firefox a skipped test (counted as skipped in the leg's summary) for a
 * behaviour that differs there. The reason is listed in docs/extension.md, "Firefox".
 */
export function chromiumOnly(reason: string): typeof test {
  void reason;
  return browserName === 'firefox' ? test.skip : test;
}

/** How many inline UI frames (menu, confirmation, save bar) `page` shows now. */
export async function countInlineFrames(page: Page): Promise<number> {
  return browserName === 'firefox' ? countFirefoxInlineFrames(page) : inlineFrames(page).length;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, browserName === 'firefox' ? `firefox-${name}.png` : `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * Types `text` into the field the way a person does: trusted key and input events in both browsers.
 * (Playwright's `fill` over Firefox's BiDi sets the value and dispatches an untrusted `input` event,
 * which the content script rightly does not take for the person typing.)
 */
export async function typeInto(page: Page | Frame, selector: string, text: string): Promise<void> {
  const field = page.locator(selector);
  await field.fill('');
  await field.pressSequentially(text);
}

// The Firefox implementation of ExtensionBrowser (browser.ts): Debian's firefox-esr driven by
// playwright-core over WebDriver BiDi for web pages, and over Marionette for the extension's own
// documents, which BiDi does not expose (firefox-launcher.cjs explains the pairing).
//
// The add-on is the unpacked Firefox build, installed the way Firefox installs an add-on found in a
// profile (a proxy file named after the add-on id holding the build's path; unsigned add-ons are
// allowed on ESR with xpinstall.signatures.required=false). Its moz-extension:// host is pinned by
// extensions.webextensions.uuids, so the suite knows the popup's address.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { firefox, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { repoRoot } from './api-server';
import type { ExtensionBrowser } from './browser';
import { MarionetteClient, marionetteFrame, marionettePage, type DocumentTarget } from './marionette-page';

export const firefoxExtensionDir = path.join(repoRoot, 'extension/.output/firefox-mv2');
const addonId = 'secureaccess@secureaccess.dev';
// Fixed per profile by the pref below; any UUID will do.
const extensionUuid = '5ec0ae55-e2e0-4f1e-8a11-000000000153';
const launcher = path.join(__dirname, 'firefox-launcher.cjs');

declare const browser: any; // eslint-disable-line @typescript-eslint/no-explicit-any

interface FirefoxSession {
  client: MarionetteClient;
  /** Where Firefox saves downloads (Playwright's downloadsPath: it sets BiDi's download behaviour). */
  downloadsDir: string;
  /** Marionette's handle of the tab a Playwright page lives in. */
  handleOf(page: Page): Promise<string>;
}
const sessions = new WeakMap<object, FirefoxSession>();

async function waitForFile(file: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8').trim();
      if (text) return text;
    }
    if (Date.now() > deadline) throw new Error(`${file} did not appear`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function launchFirefoxExtensionBrowser(profileDir?: string): Promise<ExtensionBrowser> {
  const userDataDir = profileDir ?? mkdtempSync(path.join(tmpdir(), 'sa-e2e-firefox-'));
  mkdirSync(path.join(userDataDir, 'extensions'), { recursive: true });
  writeFileSync(path.join(userDataDir, 'extensions', addonId), `${firefoxExtensionDir}\n`);
  rmSync(path.join(userDataDir, 'sa-marionette-relay'), { force: true });
  const downloadsDir = path.join(userDataDir, 'sa-downloads');
  mkdirSync(downloadsDir, { recursive: true });
  const context = await firefox.launchPersistentContext(userDataDir, {
    downloadsPath: downloadsDir,
    channel: 'moz-firefox',
    executablePath: launcher,
    headless: true,
    viewport: { width: 1100, height: 800 },
    env: { ...process.env, FIREFOX_PATH: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr' },
    firefoxUserPrefs: {
      'xpinstall.signatures.required': false,
      'extensions.autoDisableScopes': 0,
      'extensions.enabledScopes': 15,
      'extensions.webextensions.uuids': JSON.stringify({ [addonId]: extensionUuid }),
      'marionette.port': 0,
      // Every *.test name is loopback (Chromium: --host-resolver-rules), so fixture pages get
      // distinct real origins.
      'network.dns.forceResolve': '127.0.0.1',
      'network.proxy.type': 0,
      'browser.shell.checkDefaultBrowser': false,
    },
  });
  const client = new MarionetteClient(Number(await waitForFile(path.join(userDataDir, 'sa-marionette-relay'), 30_000)));
  const extensionId = extensionUuid;
  const origin = `moz-extension://${extensionUuid}`;
  const handles = new WeakMap<Page, string>();

  const handleOf = async (page: Page): Promise<string> => {
    const known = handles.get(page);
    if (known) return known;
    const token = `sa-probe-${Math.random().toString(36).slice(2)}`;
    const previous = await page.evaluate((name) => {
      const before = window.name;
      window.name = name;
      return before;
    }, token);
    try {
      const handle = await client.exclusive(async () => {
        const all = await client.raw<string[]>('WebDriver:GetWindowHandles');
        for (const candidate of all) {
          await client.switchTo(candidate);
          const name = await client.raw<{ value: string }>('WebDriver:ExecuteScript', { script: 'return window.name;', args: [] });
          if (name.value === token) return candidate;
        }
        throw new Error(`no Firefox tab holds ${page.url()}`);
      });
      handles.set(page, handle);
      return handle;
    } finally {
      await page.evaluate((name) => { window.name = name; }, previous);
    }
  };
  sessions.set(context, { client, handleOf, downloadsDir });

  /** Marionette's handle of each extension page's tab. */
  const extensionTabs = new WeakMap<Page, string>();
  /** Opens an extension page in a new tab, driven over Marionette. */
  const openExtensionTab = async (pathAndQuery: string, focus: boolean, returnTo?: Page): Promise<{ page: Page; handle: string }> => {
    const address = `${origin}/${pathAndQuery}`;
    const handle = await client.exclusive(async () => {
      await client.ensureWindow();
      const created = await client.raw<{ handle: string }>('WebDriver:NewWindow', { type: 'tab', focus });
      await client.switchTo(created.handle, focus);
      await client.raw('WebDriver:Navigate', { url: address });
      return created.handle;
    });
    const target: DocumentTarget = { client, select: () => client.switchTo(handle), focus: () => client.switchTo(handle, true) };
    const close = () => client.exclusive(async () => {
      await client.switchTo(handle);
      const left = await client.raw<string[]>('WebDriver:CloseWindow');
      client.forget(handle);
      // Marionette needs a current window for its next command (NewWindow included).
      if (left[0]) await client.switchTo(left[0]);
    }).then(async () => {
      // Like a real popup closing, the page it was opened for is the active tab again: Firefox
      // fires no focus events in a background tab, and the content script opens its menu on focus.
      if (returnTo && !returnTo.isClosed()) await returnTo.bringToFront();
    });
    const page = marionettePage(target, close, address);
    extensionTabs.set(page, handle);
    return { page, handle };
  };

  /** Runs `fn` in an extension document (the extension's APIs, not its background's state). */
  const inExtension = async <R, A>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> => {
    // inline-ui.html with no frame token renders nothing and asks the background for nothing it knows.
    const { page } = await openExtensionTab('inline-ui.html#probe', false);
    try {
      // The Marionette page's evaluate, typed as it is (Playwright's overloads box their argument).
      // `chrome` in an MV2 extension page is Firefox's callback API: inside `fn` it names the
      // promise API (`browser`), as `chrome` does in Chromium's MV3 worker.
      const extensionPage = page as unknown as { evaluateSource(source: string, a?: A): Promise<R> };
      return await extensionPage.evaluateSource(`(arg) => { const chrome = browser; return (${fn.toString()})(arg); }`, arg);
    } finally {
      await page.close();
    }
  };

  /** Runs `script` (a function body; `arguments` are `args`) in the browser window's privileged scope. */
  const inChrome = <R>(script: string, args: unknown[]): Promise<R> => client.exclusive(async () => {
    await client.ensureWindow();
    await client.raw('Marionette:SetContext', { value: 'chrome' });
    try {
      return (await client.raw<{ value: R }>('WebDriver:ExecuteScript', { script, args })).value;
    } finally {
      await client.raw('Marionette:SetContext', { value: 'content' });
    }
  });

  /** Runs `body` in the browser window's privileged scope with `extension` (ours, as ExtensionParent holds it) and `args`. */
  const withExtension = <R>(body: string, args: unknown[] = []): Promise<R> =>
    inChrome<R>(
      `const [addonId, ...args] = arguments;
      const { ExtensionParent } = ChromeUtils.importESModule('resource://gre/modules/ExtensionParent.sys.mjs');
      const extension = ExtensionParent.GlobalManager.getExtension(addonId);
      ${body}`,
      [addonId, ...args],
    );

  const tabIdOf = async (page: Page): Promise<number> => {
    const url = page.url();
    const id = await inExtension(async (wanted: string) => {
      const tabs = await browser.tabs.query({});
      return tabs.find((tab: { url?: string }) => tab.url === wanted)?.id ?? null;
    }, url);
    if (id === null) throw new Error(`no tab with URL ${url}`);
    return id;
  };

  // The add-on starts after the browser: wait until its pages load (storage answers).
  await waitForExtension(inExtension);

  return {
    context,
    extensionId,
    browserName: 'firefox',
    serviceWorker() {
      throw new Error('Firefox runs the background as an MV2 event page, not a service worker: use evaluateInExtension, pressShortcut or stopBackground');
    },
    tabIdOf,
    async openPopup(target) {
      const query = target ? `?tab=${await tabIdOf(target)}` : '';
      return (await openExtensionTab(`popup.html${query}`, true, target)).page;
    },
    async openExtensionPage(pathAndQuery) {
      return (await openExtensionTab(pathAndQuery, true)).page;
    },
    storage(area) {
      return inExtension((which: 'local' | 'session') => browser.storage[which].get(null), area);
    },
    async setStorage(area, items) {
      await inExtension(([which, values]: ['local' | 'session', Record<string, unknown>]) => browser.storage[which].set(values), [area, items]);
    },
    async removeStorage(area, keys) {
      await inExtension(([which, names]: ['local' | 'session', string[]]) => browser.storage[which].remove(names), [area, keys]);
    },
    evaluateInExtension(fn, arg) {
      return inExtension(fn, arg);
    },
    // The browser's own key binding for the command (a <key> in the browser window's keyset,
    // reached in Marionette's chrome context), fired as a key press fires it: with the page's tab
    // active, the active-tab grant, then commands.onCommand in the background.
    async pressShortcut(command, page) {
      await page.bringToFront();
      const pressed = await withExtension<string>(`
        const [name] = args;
        return extension.shortcuts.commands.then((commands) => {
          const shortcut = commands.get(name)?.shortcut;
          if (!shortcut) return 'no shortcut is set for ' + name;
          const letter = shortcut.split('+').pop().toUpperCase();
          const keyset = document.querySelector('keyset[id^="ext-keyset-id-' + addonId.replace(/[^a-z0-9_-]/gi, '_') + '"]');
          const key = [...(keyset?.querySelectorAll('key') ?? [])].find((k) => (k.getAttribute('key') ?? '').toUpperCase() === letter);
          if (!key) return 'the browser window has no key for ' + shortcut;
          key.doCommand();
          return 'pressed';
        });`, [command]);
      if (pressed !== 'pressed') throw new Error(pressed);
    },
    // What Firefox does to an idle event page (ExtensionParent's terminateBackground), then waits
    // until it is stopped; the next event or message starts it again.
    async stopBackground() {
      const state = await withExtension<string>(
        'return extension.terminateBackground({ ignoreDevToolsAttached: true }).then(() => extension.backgroundState);',
      );
      if (state !== 'stopped') throw new Error(`the event page did not stop (${state})`);
    },
    // WebDriver BiDi grants no clipboard-read in Firefox ESR: paste with the keyboard (Ctrl+V) into
    // a blank page's textarea, which reads the system clipboard as a person's paste does.
    // The page the clipboard was read for is the active tab again after: a person's popup or
    // options page stays in front (Firefox leaves a background tab's page unresponsive to clicks).
    async readClipboard(page) {
      const blank = await context.newPage();
      try {
        await blank.setContent('<textarea id="paste" aria-label="paste"></textarea>');
        await blank.locator('#paste').focus();
        await blank.keyboard.press('Control+V');
        return await blank.locator('#paste').inputValue();
      } finally {
        await blank.close();
        const handle = extensionTabs.get(page);
        if (handle) await client.exclusive(() => client.switchTo(handle, true));
        else if (!page.isClosed()) await page.bringToFront();
      }
    },
    async restart() {
      await context.close();
      return launchFirefoxExtensionBrowser(userDataDir);
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

async function waitForExtension(inExtension: <R, A>(fn: (arg: A) => R | Promise<R>, arg?: A) => Promise<R>): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await inExtension(() => browser.storage.local.get(null));
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`the add-on did not start: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/**
 * The file a download started by `start` saved: Firefox writes it to the profile's download folder
 * (as `<name>.part` until done), where it is watched for; it is then moved out, so the next download
 * of the same name keeps its name.
 */
export async function catchFirefoxDownload(context: BrowserContext, start: () => Promise<unknown>, timeoutMs = 60_000): Promise<{ path: string; suggestedFilename: string }> {
  const session = sessions.get(context);
  if (!session) throw new Error('not the Firefox extension browser');
  const dir = session.downloadsDir;
  const before = new Set(readdirSync(dir));
  await start();
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const names = readdirSync(dir);
    const done = names.find((name) => !before.has(name) && !name.endsWith('.part') && !names.includes(`${name}.part`));
    if (done) {
      // Complete once no .part is left beside it and its size holds across two looks.
      const size = `${done}:${statSync(path.join(dir, done)).size}`;
      if (size === last) {
        const kept = path.join(mkdtempSync(path.join(tmpdir(), 'sa-e2e-download-')), done);
        renameSync(path.join(dir, done), kept);
        return { path: kept, suggestedFilename: done };
      }
      last = size;
    }
    if (Date.now() > deadline) throw new Error(`no download finished in ${dir}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const hostTag = 'secureaccess-inline-ui';

/** The id in a WebDriver element/shadow-root reference, bare or wrapped in `value`. */
function referenceId(answer: unknown): string {
  const reference = (answer as { value?: unknown }).value ?? answer;
  const id = Object.values(reference as Record<string, string>)[0];
  if (typeof id !== 'string') throw new Error(`not a WebDriver reference: ${JSON.stringify(answer)}`);
  return id;
}

/** How many inline UI frames (menu, confirmation, save bar) `page` shows now. */
export async function countFirefoxInlineFrames(page: Page): Promise<number> {
  return page.evaluate((tag) => document.getElementsByTagName(tag).length, hostTag);
}

/** The inline UI frame inside `page` (in the host's closed shadow root), driven over Marionette. */
export async function waitForFirefoxInlineFrame(page: Page, timeoutMs: number): Promise<Frame> {
  const session = sessions.get(page.context());
  if (!session) throw new Error('not a page of the Firefox extension browser');
  const { client } = session;
  // The host is in the top document, or in the (one level down) frame whose field opened it.
  const deadline0 = Date.now() + timeoutMs;
  for (;;) {
    // Only web frames: Playwright lists extension frames in Firefox but cannot evaluate in them.
    const webFrames = page.frames().filter((f) => /^https?:/.test(f.url()));
    const counts = await Promise.all(webFrames.map((f) => Promise.race([
      f.locator(hostTag).count().catch(() => 0),
      new Promise<number>((resolve) => setTimeout(() => resolve(0), 2000)),
    ])));
    if (counts.some((n) => n > 0)) break;
    if (Date.now() > deadline0) throw new Error('the inline UI frame did not appear');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const handle = await session.handleOf(page);
  let src = '';
  const findHosts = () => client.raw<Record<string, string>[]>('WebDriver:FindElements', { using: 'css selector', value: hostTag });
  const select = async () => {
    await client.switchTo(handle);
    // Find Elements answers with the bare list (the other commands wrap theirs in `value`).
    let hosts = await findHosts();
    if (hosts.length === 0) {
      const frames = await client.raw<Record<string, string>[]>('WebDriver:FindElements', { using: 'css selector', value: 'iframe, frame' });
      for (const frame of frames) {
        await client.raw('WebDriver:SwitchToFrame', { element: Object.values(frame)[0] });
        hosts = await findHosts();
        if (hosts.length > 0) break;
        await client.raw('WebDriver:SwitchToParentFrame');
      }
    }
    if (hosts.length === 0) throw new Error('the inline UI frame is gone');
    const hostId = Object.values(hosts[hosts.length - 1]!)[0];
    const shadowId = referenceId(await client.raw('WebDriver:GetShadowRoot', { id: hostId }));
    const frame = referenceId(await client.raw('WebDriver:FindElementFromShadowRoot', { shadowRoot: shadowId, using: 'css selector', value: 'iframe' }));
    await client.raw('WebDriver:SwitchToFrame', { element: frame });
  };
  const target: DocumentTarget = { client, select };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      src = await client.exclusive(async () => {
        await select();
        const result = await client.raw<{ value: string }>('WebDriver:ExecuteScript', { script: 'return document.readyState === "loading" ? "" : location.href;', args: [] });
        return result.value;
      });
      if (src.includes('/inline-ui.html')) break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error('the inline UI frame did not load');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return marionetteFrame(target, src);
}

/** An extension frame the page itself put in its light DOM (an <iframe> whose src contains `urlPart`). */
export async function findFirefoxExtensionFrame(page: Page, urlPart: string): Promise<Frame | undefined> {
  const session = sessions.get(page.context());
  if (!session) throw new Error('not a page of the Firefox extension browser');
  const { client } = session;
  const address = page.frames().map((f) => f.url()).find((u) => u.includes(urlPart));
  if (!address) return undefined;
  const handle = await session.handleOf(page);
  const select = async () => {
    await client.switchTo(handle);
    const frames = await client.raw<Record<string, string>[]>('WebDriver:FindElements', { using: 'css selector', value: 'iframe' });
    for (const frame of frames) {
      const src = await client.raw<{ value: string }>('WebDriver:ExecuteScript', { script: 'return arguments[0].src;', args: [frame] });
      if (src.value.includes(urlPart)) {
        await client.raw('WebDriver:SwitchToFrame', { element: referenceId(frame) });
        return;
      }
    }
    throw new Error(`no frame with ${urlPart}`);
  };
  return marionetteFrame({ client, select }, address);
}

// Real Chromium with the built extension, headless (ENVIRONMENT.md: Debian's /usr/bin/chromium,
// `--headless=new`, unpacked MV3 extension). The extension id comes from its service worker URL.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Frame, type Page, type Worker } from 'playwright-core';
import { repoRoot } from './api-server';

// The service worker's global, as seen inside `worker.evaluate` callbacks.
declare const chrome: any; // eslint-disable-line @typescript-eslint/no-explicit-any

export const extensionDir = path.join(repoRoot, 'extension/.output/chrome-mv3');
export const artifactsDir = path.join(repoRoot, 'test-artifacts');

export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  serviceWorker(): Promise<Worker>;
  /** The popup, opened in its own tab for `target` (popup.html?tab=<id>) or with no target. */
  openPopup(target?: Page): Promise<Page>;
  tabIdOf(page: Page): Promise<number>;
  /** chrome.storage.local / .session as the extension sees them. */
  storage(area: 'local' | 'session'): Promise<Record<string, unknown>>;
  /** Quits the browser and starts it again on the same profile (storage.session is gone). */
  restart(): Promise<ExtensionBrowser>;
  close(): Promise<void>;
}

export async function launchExtensionBrowser(profileDir?: string): Promise<ExtensionBrowser> {
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
    serviceWorker,
    tabIdOf,
    async openPopup(target) {
      const query = target ? `?tab=${await tabIdOf(target)}` : '';
      const popup = await context.newPage();
      await popup.setViewportSize({ width: 380, height: 600 });
      await popup.goto(`chrome-extension://${extensionId}/popup.html${query}`);
      return popup;
    },
    async storage(area) {
      const sw = await serviceWorker();
      return sw.evaluate((which) => chrome.storage[which].get(null), area);
    },
    async restart() {
      await context.close();
      return launchExtensionBrowser(userDataDir);
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** The inline UI frame (menu, confirmation or save bar) inside `page`, once it is there. */
export async function waitForInlineFrame(page: Page, timeoutMs = 10_000): Promise<Frame> {
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

export function inlineFrames(page: Page): Frame[] {
  return page.frames().filter((f) => f.url().includes('/inline-ui.html'));
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

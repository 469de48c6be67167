// Browser end-to-end suite: the built extension in a real browser against the real API on a fresh
// SQLite database, and fixture pages served on loopback under several *.test host names. One worker:
// each suite owns a browser. E2E_BROWSER picks the browser (support/browser.ts):
// - chromium (default): Debian's /usr/bin/chromium driven by playwright-core, extension/.output/chrome-mv3;
// - firefox: Debian's firefox-esr over WebDriver BiDi + Marionette, extension/.output/firefox-mv2.
// `scripts/test.sh` builds both and runs the suite once per browser; this config builds nothing.
const base = require('../../jest.config.js');

// Files that stay Chromium-only, and why (each reason is in docs/extension.md, "Firefox").
const chromiumOnly = {
  // Presses the shortcut and the context-menu item by dispatching chrome.commands/contextMenus events
  // inside the MV3 service worker; Firefox's MV2 event page is reachable by no WebDriver protocol.
  'shortcut-context-menu.e2e.test.ts': 'drives background events from the service worker',
  // Reads the clipboard after a granted clipboard-read permission (BiDi has no permission grants in
  // Firefox ESR) and rewinds the auto-lock alarm from the service worker.
  'auto-lock-clipboard.e2e.test.ts': 'clipboard permission grant and service-worker alarms',
  // Reads a copied password back after a clipboard-read grant, in a second browser profile.
  'admin-catalogue.e2e.test.ts': 'clipboard permission grant in a second profile; not yet run in Firefox',
  // Chooses files (setInputFiles) and catches downloads on an extension page, which the Marionette
  // page shim does not offer; not yet run in Firefox.
  'import-export.e2e.test.ts': 'file input and downloads on an extension page; not yet run in Firefox',
  // Records every request of the pages and of the MV3 service worker through Playwright's context
  // events; the Firefox adapter (WebDriver BiDi + Marionette) has no such recording.
  'security-overview.e2e.test.ts': 'records service-worker requests through Playwright context events',
};

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  rootDir: __dirname + '/../..',
  roots: ['<rootDir>/tests/e2e'],
  testMatch: ['<rootDir>/tests/e2e/**/*.e2e.test.ts'],
  testPathIgnorePatterns: process.env.E2E_BROWSER === 'firefox' ? Object.keys(chromiumOnly).map((file) => `/${file.replace(/\./g, '\\.')}$`) : [],
  maxWorkers: 1,
  setupFilesAfterEnv: ['<rootDir>/tests/e2e/support/retry-flaky.ts'],
  testTimeout: 120_000,
};

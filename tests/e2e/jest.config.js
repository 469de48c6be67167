// Browser end-to-end suite: the built extension in a real browser against the real API on a fresh
// SQLite database, and fixture pages served on loopback under several *.test host names. One worker:
// each suite owns a browser. E2E_BROWSER picks the browser (support/browser.ts):
// - chromium (default): Debian's /usr/bin/chromium driven by playwright-core, extension/.output/chrome-mv3;
// - firefox: Debian's firefox-esr over WebDriver BiDi + Marionette, extension/.output/firefox-mv2.
// `scripts/test.sh` builds both and runs the suite once per browser; this config builds nothing.
const base = require('../../jest.config.js');

// Files that stay Chromium-only, and why (each reason is in docs/extension.md, "Firefox").
const chromiumOnly = {
  // Its adapters are in (storage, downloads, keyboard, goto), but through the Marionette page shim
  // (one WebDriver round trip per probe) its audit-log test runs past the 120 s test timeout, and a
  // retry then counts its own extra sign-ins; to be split into shorter tests before it runs here.
  'admin-people.e2e.test.ts': 'audit-log test exceeds the test timeout through the Marionette shim',
  // Tried in Firefox (session 5): the legacy import and the 5 000-row import pass there (file
  // input through Marionette), but the export test waits past its 300 s timeout — the download of
  // a blob link on a Marionette-driven extension tab is not reported to Playwright — and the tests
  // after it depend on its state. The background-stop test is Chrome's alone.
  'import-export.e2e.test.ts': 'downloads from a Marionette-driven extension tab are not reported in Firefox',
  // Dispatches the fill shortcut in the MV3 service worker (as shortcut-context-menu does) in a
  // second browser profile.
  'admin-catalogue.e2e.test.ts': 'dispatches the fill shortcut in the service worker, in a second profile',
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

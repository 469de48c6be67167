// Browser end-to-end suite: the built extension in a real browser against the real API on a fresh
// SQLite database, and fixture pages served on loopback under several *.test host names. One worker:
// each suite owns a browser. E2E_BROWSER picks the browser (support/browser.ts):
// - chromium (default): Debian's /usr/bin/chromium driven by playwright-core, extension/.output/chrome-mv3;
// - firefox: Debian's firefox-esr over WebDriver BiDi + Marionette, extension/.output/firefox-mv2.
// `scripts/test.sh` builds both and runs the suite once per browser; this config builds nothing.
const base = require('../../jest.config.js');

// Every file runs in both browsers; single tests that differ are marked chromiumOnly(reason) in
// the file (support/browser.ts) and listed in docs/extension.md, "Firefox".

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  rootDir: __dirname + '/../..',
  roots: ['<rootDir>/tests/e2e'],
  testMatch: ['<rootDir>/tests/e2e/**/*.e2e.test.ts'],
  maxWorkers: 1,
  setupFilesAfterEnv: ['<rootDir>/tests/e2e/support/retry-flaky.ts'],
  testTimeout: 120_000,
};

// Browser end-to-end suite: real Chromium (Debian's /usr/bin/chromium driven by playwright-core)
// with the built extension (extension/.output/chrome-mv3 — `scripts/test.sh` builds it first; this
// config builds nothing), the real API on a fresh SQLite database, and fixture pages served on
// loopback under several *.test host names. One worker: each suite owns a browser.
const base = require('../../jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  rootDir: __dirname + '/../..',
  roots: ['<rootDir>/tests/e2e'],
  testMatch: ['<rootDir>/tests/e2e/**/*.e2e.test.ts'],
  maxWorkers: 1,
  testTimeout: 120_000,
};

// One jest config for the whole workspace. Layout (see tests/README.md):
//   tests/unit  — no database; tests/api — real app + real database (run once per TEST_DB);
//   tests/e2e   — real Chromium with the built extension (own config); tests/bench — not tests.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  roots: ['<rootDir>/tests'],
  testMatch: ['<rootDir>/tests/{unit,api}/**/*.test.{ts,tsx}'],
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', tsx: true },
          transform: { react: { runtime: 'automatic' } },
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  // ESM-only code in node_modules that the suites load: csv-parse's browser build (the only
  // entry without Node's Buffer, which is what the extension ships).
  transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm/csv-parse@[^/]+/node_modules/)?csv-parse/)'],
  moduleNameMapper: {
    '^@ext/(.*)$': '<rootDir>/extension/$1',
  },
  testTimeout: 30_000,
};

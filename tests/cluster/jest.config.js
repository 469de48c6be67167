// Scale-out suite (`npm run test:cluster`, also run by `npm test`): a private three-node MariaDB
// Galera cluster, three API processes and nginx, all on loopback. One worker: one cluster at a time.
const base = require('../../jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  rootDir: __dirname + '/../..',
  roots: ['<rootDir>/tests/cluster'],
  testMatch: ['<rootDir>/tests/cluster/**/*.cluster.test.ts'],
  maxWorkers: 1,
  testTimeout: 180_000,
};

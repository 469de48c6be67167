// Public surface of @secureaccess/server for the root scripts and the test suites.
export * from './db';
export * from './components/audit/audit-chain';

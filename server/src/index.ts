// Public surface of @secureaccess/server for the root scripts and the test suites.
export * from './db';

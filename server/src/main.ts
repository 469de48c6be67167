// `npm start` (node server/dist/main.js; `pnpm --filter @secureaccess/server run dev` runs it
// from source with tsx): validate the configuration, open the database, refuse to run
// on a schema with pending migrations, serve, and shut down gracefully on SIGTERM/SIGINT
// (drain in-flight requests for up to SHUTDOWN_TIMEOUT_SECONDS, close the pool, exit 0).
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { createHttpServer } from './http/server';
import { loggableError } from './db/availability';
import { createLogger, flushLogger } from './logger';
import { startCleanupTimer } from './maintenance';
import { assertMigrated, fail, openConfiguredDatabase } from './startup';
import { loadSecrets, SecretsError } from './secrets';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  let secrets;
  try {
    secrets = loadSecrets(config.dataDir);
  } catch (error) {
    if (error instanceof SecretsError) fail(`Invalid secrets: ${error.message}`);
    throw error;
  }
  const db = await openConfiguredDatabase(config, logger);
  await assertMigrated(db);

  const clock = () => new Date();
  const app = createApp({ config, db, logger, secrets, clock });
  const server = createHttpServer(app);
  const cleanup = startCleanupTimer({ db, config, clock, logger });

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    cleanup.stop();
    // Stop accepting; the callback runs once every in-flight request has been answered.
    server.close(() => {
      db.close()
        .catch((error: unknown) => logger.error({ err: loggableError(error) }, 'closing the database failed'))
        .finally(() => {
          logger.info('stopped');
          flushLogger(logger, () => process.exit(0));
        });
    });
    // Keep-alive sockets go idle after their last response; close them as they do.
    const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
    idleSweep.unref();
    const deadline = setTimeout(() => {
      logger.warn('shutdown timeout: closing the remaining connections');
      server.closeAllConnections();
    }, config.shutdownTimeoutSeconds * 1000);
    deadline.unref();
    // Closing the pool waits for the database; a frozen one must not keep the process forever.
    const lastResort = setTimeout(() => {
      logger.error('shutdown did not finish: exiting without closing the database');
      process.exit(1);
    }, (config.shutdownTimeoutSeconds + 10) * 1000);
    lastResort.unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  server.listen(config.port, config.host, () => {
    const { port } = server.address() as AddressInfo;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    logger.info({ port, database: db.location }, 'listening');
    process.stdout.write(`SecureAccess API listening on http://${host}:${port}\n`);
  });
  server.on('error', (error) => fail(`Cannot listen on ${config.host}:${config.port}: ${error.message}`));
}

main().catch((error: unknown) => {
  process.stderr.write(`Startup failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});

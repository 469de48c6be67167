// The real app (createApp) on a real, migrated database, listening on an ephemeral port, with a
// test configuration (temp DATA_DIR), a movable clock and the log lines it wrote.
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import {
  createApp,
  createHttpServer,
  createLogger,
  loadConfig,
  loadSecrets,
  type Component,
  type Config,
  type Secrets,
} from '@secureaccess/server';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from './database';

export interface TestClock {
  now(): Date;
  /** Moves time forward (token expiry, lockouts, reuse intervals). */
  advance(ms: number): void;
  set(date: Date): void;
}

export function createTestClock(start = new Date()): TestClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
    },
    set: (date) => {
      current = date.getTime();
    },
  };
}

export interface CapturedLogs {
  /** Raw JSON lines as pino wrote them. */
  readonly lines: string[];
  /** Parsed records. */
  records(): Record<string, unknown>[];
  /** Everything written, for grepping. */
  text(): string;
  clear(): void;
}

export function captureLogs(): { stream: Writable; logs: CapturedLogs } {
  const lines: string[] = [];
  let partial = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      partial += chunk.toString();
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts.filter((line) => line.length > 0));
      callback();
    },
  });
  return {
    stream,
    logs: {
      lines,
      records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
      text: () => lines.join('\n'),
      clear: () => {
        lines.length = 0;
      },
    },
  };
}

export interface TestApp {
  /** supertest bound to the listening server: `await t.api.get('/healthz')`. */
  api: ReturnType<typeof request>;
  baseUrl: string;
  server: Server;
  app: ReturnType<typeof createApp>;
  database: TestDatabase;
  /** Shortcut for database.db: assert on rows with db.models. */
  db: TestDatabase['db'];
  config: Config;
  secrets: Secrets;
  clock: TestClock;
  logs: CapturedLogs;
  /** Stops the server, drops the database (unless it was passed in) and removes DATA_DIR. */
  close(): Promise<void>;
}

export interface StartTestAppOptions {
  /** Reuse a database (then close() leaves it to its owner); default: a fresh one. */
  database?: TestDatabase;
  /** Environment for loadConfig on top of the test defaults (e.g. { ACCESS_TOKEN_TTL_SECONDS: '60' }). */
  env?: Record<string, string>;
  clock?: TestClock;
  components?: readonly Component[];
}

export async function startTestApp(options: StartTestAppOptions = {}): Promise<TestApp> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'sa-test-data-'));
  const ownsDatabase = !options.database;
  const database = options.database ?? (await createTestDatabase());
  const base = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'debug',
    VALIDATE_RESPONSES: 'true',
    CLEANUP_INTERVAL_SECONDS: '0',
    // The clock stands still in tests, so a per-minute limit would never reset within a suite;
    // suites that test rate limiting set their own (tests/api/auth/rate-limit.test.ts).
    AUTH_RATE_LIMIT_MAX: '100000',
    REFRESH_RATE_LIMIT_MAX: '100000',
    ...options.env,
  });
  const config: Config = {
    ...base,
    database:
      database.dialect === 'mysql'
        ? { dialect: 'mysql', url: database.url! }
        : { dialect: 'sqlite', path: database.sqlitePath! },
  };
  const secrets = loadSecrets(dataDir, {});
  const clock = options.clock ?? createTestClock();
  const { stream, logs } = captureLogs();
  const logger = createLogger({ level: config.logLevel, destination: stream });
  let app: ReturnType<typeof createApp>;
  try {
    app = createApp({
      config,
      db: database.db,
      logger,
      secrets,
      clock: () => clock.now(),
      ...(options.components ? { components: options.components } : {}),
    });
  } catch (error) {
    if (ownsDatabase) await database.drop();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const server = createHttpServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    api: request(baseUrl),
    baseUrl,
    server,
    app,
    database,
    db: database.db,
    config,
    secrets,
    clock,
    logs,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownsDatabase) await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

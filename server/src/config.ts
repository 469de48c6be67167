// The server's configuration (DESIGN §6a): read once from the environment, validated with zod,
// a default for every key. A bad value stops the process with one line naming the variable.
import path from 'node:path';
import { z } from 'zod';

/** The repository root: relative DATA_DIR and SQLite paths resolve against it, not the cwd. */
export const repoRoot = path.resolve(__dirname, '..', '..');

const integer = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });

const booleanString = z
  .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1');

// Express's `trust proxy`: false, true, a hop count, or addresses/subnets ("loopback, 10.0.0.0/8").
const trustProxy = z
  .string()
  .trim()
  .min(1)
  .transform((value): boolean | number | string => {
    if (value === 'true' || value === 'false') return value === 'true';
    if (/^\d+$/.test(value)) return Number(value);
    return value;
  });

const databaseUrl = z
  .string()
  .trim()
  .refine((value) => /^(mysql|mariadb):\/\/[^/]+\/[^/?]+/.test(value), {
    error: 'must be mysql://user:password@host:3306/database (or mariadb://…)',
  });

const envSchema = z.object({
  PORT: integer(0, 65_535).default(8080),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  DATABASE_URL: databaseUrl.optional(),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  ACCESS_TOKEN_TTL_SECONDS: integer(60, 24 * 60 * 60).default(600),
  REFRESH_REUSE_INTERVAL_SECONDS: integer(0, 300).default(10),
  SESSION_IDLE_DAYS: integer(1, 365).default(7),
  SESSION_ABSOLUTE_DAYS: integer(1, 3650).default(60),
  MAX_SESSIONS_PER_USER: integer(1, 1000).default(5),
  LOGIN_MAX_FAILURES: integer(1, 1000).default(5),
  LOGIN_LOCK_MINUTES: integer(1, 24 * 60).default(30),
  // Per-IP fixed windows on the credential routes (prelogin, register, login, recovery) and on
  // refresh, counted in the database so they hold across API processes (DESIGN §6).
  AUTH_RATE_LIMIT_MAX: integer(1, 1_000_000).default(20),
  AUTH_RATE_LIMIT_WINDOW_SECONDS: integer(1, 24 * 60 * 60).default(60),
  REFRESH_RATE_LIMIT_MAX: integer(1, 1_000_000).default(120),
  JWT_ISSUER: z.string().trim().min(1).default('secureaccess'),
  JWT_AUDIENCE: z.string().trim().min(1).default('secureaccess-extension'),
  DB_POOL_MAX: integer(1, 1000).default(10),
  DB_PING_TIMEOUT_MS: integer(100, 60_000).default(2000),
  DB_TRANSACTION_ATTEMPTS: integer(1, 100).default(10),
  // A stopped or frozen database must answer 503 quickly, not hang requests (docs/operations.md).
  DB_CONNECT_TIMEOUT_MS: integer(100, 60_000).default(3000),
  DB_QUERY_TIMEOUT_MS: integer(100, 600_000).default(10_000),
  JSON_BODY_LIMIT_BYTES: integer(1024, 64 * 1024 * 1024).default(1024 * 1024),
  TRUST_PROXY: trustProxy.default(false),
  CLEANUP_INTERVAL_SECONDS: integer(0, 7 * 24 * 60 * 60).default(60 * 60),
  LOGIN_ATTEMPTS_RETENTION_DAYS: integer(1, 3650).default(90),
  SHUTDOWN_TIMEOUT_SECONDS: integer(1, 600).default(10),
  VALIDATE_RESPONSES: booleanString.default(false),
});

export type Env = Record<string, string | undefined>;

export interface Config {
  port: number;
  host: string;
  /** Absolute. Generated secrets and the default SQLite file live here. */
  dataDir: string;
  database: { dialect: 'mysql'; url: string } | { dialect: 'sqlite'; path: string };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  auth: {
    accessTokenTtlSeconds: number;
    refreshReuseIntervalSeconds: number;
    sessionIdleDays: number;
    sessionAbsoluteDays: number;
    maxSessionsPerUser: number;
    loginMaxFailures: number;
    loginLockMinutes: number;
    /** Requests per IP and route per window on prelogin, register, login and recovery. */
    rateLimitMax: number;
    rateLimitWindowSeconds: number;
    /** Requests per IP per window on refresh (clients refresh often, and retry). */
    refreshRateLimitMax: number;
    jwtIssuer: string;
    jwtAudience: string;
  };
  dbPoolMax: number;
  dbPingTimeoutMs: number;
  /** MySQL: runs in all of a transaction rolled back as a deadlock victim or a Galera certification conflict. */
  dbTransactionAttempts: number;
  /** MySQL: opening a connection (TCP + handshake) fails after this long. */
  dbConnectTimeoutMs: number;
  /** MySQL: one statement (or the wait for a pooled connection) fails after this long. */
  dbQueryTimeoutMs: number;
  jsonBodyLimitBytes: number;
  trustProxy: boolean | number | string;
  cleanupIntervalSeconds: number;
  loginAttemptsRetentionDays: number;
  shutdownTimeoutSeconds: number;
  /** Check every success response against its contract schema (on in tests). */
  validateResponses: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; throws ConfigError with a one-line message naming each bad variable. */
export function loadConfig(env: Env = process.env): Config {
  // Empty strings count as unset, as in most .env tooling.
  const present = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => key in envSchema.shape && value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? 'environment');
      const given = present[variable];
      return `${variable} ${issue.message}${given === undefined ? '' : ` (got "${given}")`}`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(repoRoot, e.DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    database: e.DATABASE_URL
      ? { dialect: 'mysql', url: e.DATABASE_URL }
      : { dialect: 'sqlite', path: path.join(dataDir, 'secureaccess.sqlite') },
    logLevel: e.LOG_LEVEL,
    auth: {
      accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      refreshReuseIntervalSeconds: e.REFRESH_REUSE_INTERVAL_SECONDS,
      sessionIdleDays: e.SESSION_IDLE_DAYS,
      sessionAbsoluteDays: e.SESSION_ABSOLUTE_DAYS,
      maxSessionsPerUser: e.MAX_SESSIONS_PER_USER,
      loginMaxFailures: e.LOGIN_MAX_FAILURES,
      loginLockMinutes: e.LOGIN_LOCK_MINUTES,
      rateLimitMax: e.AUTH_RATE_LIMIT_MAX,
      rateLimitWindowSeconds: e.AUTH_RATE_LIMIT_WINDOW_SECONDS,
      refreshRateLimitMax: e.REFRESH_RATE_LIMIT_MAX,
      jwtIssuer: e.JWT_ISSUER,
      jwtAudience: e.JWT_AUDIENCE,
    },
    dbPoolMax: e.DB_POOL_MAX,
    dbPingTimeoutMs: e.DB_PING_TIMEOUT_MS,
    dbTransactionAttempts: e.DB_TRANSACTION_ATTEMPTS,
    dbConnectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
    dbQueryTimeoutMs: e.DB_QUERY_TIMEOUT_MS,
    jsonBodyLimitBytes: e.JSON_BODY_LIMIT_BYTES,
    trustProxy: e.TRUST_PROXY,
    cleanupIntervalSeconds: e.CLEANUP_INTERVAL_SECONDS,
    loginAttemptsRetentionDays: e.LOGIN_ATTEMPTS_RETENTION_DAYS,
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT_SECONDS,
    validateResponses: e.VALIDATE_RESPONSES,
  };
}

/** Every variable loadConfig reads (docs/operations.md lists them with their defaults). */
export const configVariables = Object.keys(envSchema.shape);

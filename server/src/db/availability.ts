// What "the database is unavailable" means, in one place: the error handler answers these with
// 503 database_unavailable (and Retry-After) whichever component or query raised them, and the
// MySQL connections get the client-side timeouts that turn a frozen server into such an error.
import { ConnectionError, TimeoutError } from 'sequelize';

/** What a 503 database_unavailable tells clients to wait before retrying. */
export const databaseRetryAfterSeconds = 5;

// Driver codes of a database that is down, unreachable, overloaded or too slow (mysql2 and
// sqlite3). Constraint violations, deadlocks and bad SQL are not here: those are our bugs or
// conflicts, not an outage.
const unavailableCodes = new Set([
  'PROTOCOL_SEQUENCE_TIMEOUT', // our query timeout (below)
  'PROTOCOL_CONNECTION_LOST',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_STATEMENT_TIMEOUT',
  'ER_QUERY_INTERRUPTED',
  'ER_CONNECTION_KILLED',
  'SQLITE_BUSY',
  'SQLITE_IOERR',
  'SQLITE_CANTOPEN',
  'SQLITE_FULL',
]);

/**
 * True when `error` (or what it wraps: Sequelize's `parent`/`original`, a `cause`) says the
 * database could not be reached or did not answer in time.
 */
export function isDatabaseUnavailableError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth += 1) {
    if (current instanceof ConnectionError || current instanceof TimeoutError) return true;
    const { code, fatal } = current as { code?: unknown; fatal?: unknown };
    if (typeof code === 'string' && unavailableCodes.has(code)) return true;
    // mysql2 marks errors that broke the connection itself (lost, closed, timed out) as fatal.
    if (fatal === true) return true;
    const next = current as { parent?: unknown; original?: unknown; cause?: unknown };
    current = next.parent ?? next.original ?? next.cause;
  }
  return false;
}

/**
 * A deadlock the server rolled back (db.transaction re-runs those; one reaching the error handler
 * has used up its attempts, or was a single statement outside a transaction).
 */
export function isExhaustedConflictError(error: unknown): boolean {
  const cause = (error as { parent?: { code?: unknown }; original?: { code?: unknown } } | null) ?? {};
  return (cause.parent?.code ?? cause.original?.code) === 'ER_LOCK_DEADLOCK';
}

/**
 * An unexpected error as the log may keep it: name, message, driver code and stack, but none of
 * what Sequelize errors carry besides (`sql`, `parameters`, the driver error's `sql`), where bound
 * values (hashes, envelopes, emails) would reach the log.
 */
export function loggableError(error: unknown): { type: string; message: string; code?: string; stack?: string } {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error).slice(0, 200) };
  const database = (error as { sql?: unknown; parent?: unknown }).sql !== undefined || (error as { parent?: unknown }).parent !== undefined;
  const summary = database ? describeDatabaseError(error) : { name: error.name, code: (error as { code?: unknown }).code, message: error.message };
  return {
    type: summary.name,
    message: database ? withoutQuotedValues(summary.message) : summary.message,
    ...(typeof summary.code === 'string' ? { code: summary.code } : {}),
    ...(error.stack ? { stack: error.stack.split('\n').filter((line) => /^\s+at /.test(line)).join('\n') } : {}),
  };
}

/** Driver messages quote the offending value ("Duplicate entry 'a@b.c' for key …"). */
function withoutQuotedValues(message: string): string {
  return message.replace(/'[^']*'/g, "'[redacted]'").replace(/"[^"]*"/g, '"[redacted]"');
}

/** A log-safe summary (Sequelize errors carry the SQL and its parameters, which may be secrets). */
export function describeDatabaseError(error: unknown): { name: string; code: string | undefined; message: string } {
  const parent = (error as { parent?: { code?: unknown; message?: unknown } } | null)?.parent;
  const code = (parent?.code ?? (error as { code?: unknown } | null)?.code) as string | undefined;
  return {
    name: (error as Error | null)?.name ?? 'Error',
    code: typeof code === 'string' ? code : undefined,
    message: String((parent?.message as string | undefined) ?? (error as Error | null)?.message ?? error).slice(0, 200),
  };
}

interface MysqlConnection {
  query(...args: unknown[]): unknown;
  execute(...args: unknown[]): unknown;
  destroy(): void;
}

/**
 * Gives every statement on a new MySQL connection mysql2's client-side `timeout`: a frozen or
 * overloaded server then fails the query after `queryTimeoutMs` instead of hanging the request.
 * A timed-out connection is destroyed (its session state is unknown; the server rolls back its
 * open transaction when it notices), and the pool's validation drops it. Called once per
 * connection, from Sequelize's afterConnect hook.
 */
export function applyMysqlQueryTimeout(connection: MysqlConnection, queryTimeoutMs: number): void {
  for (const method of ['query', 'execute'] as const) {
    const original = connection[method].bind(connection);
    connection[method] = (sql: unknown, ...rest: unknown[]) => {
      const statement = typeof sql === 'string' ? { sql, timeout: queryTimeoutMs } : { timeout: queryTimeoutMs, ...(sql as object) };
      const last = rest.length - 1;
      const callback = rest[last];
      if (typeof callback === 'function') {
        rest[last] = (error: { code?: string } | null, ...results: unknown[]) => {
          if (error?.code === 'PROTOCOL_SEQUENCE_TIMEOUT') connection.destroy();
          (callback as (...args: unknown[]) => void)(error, ...results);
        };
      }
      return original(statement, ...rest);
    };
  }
}

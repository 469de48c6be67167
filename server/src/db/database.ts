// The one place that knows how to open a database: MySQL/MariaDB from a `mysql://` (or
// `mariadb://`) URL, otherwise an embedded SQLite file (DESIGN §3). Everything above this layer
// gets a `Database` handle and never touches connection details.
import { statSync } from 'node:fs';
import { Sequelize, Transaction, type Options } from 'sequelize';
import { applyMysqlQueryTimeout } from './availability';
import { defineModels, type Models } from './models';

export type Dialect = 'sqlite' | 'mysql';

export interface DatabaseOptions {
  /** `mysql://user:pass@host:3306/db` or `mariadb://…`; absent → SQLite at `sqlitePath`. */
  url?: string | undefined;
  sqlitePath?: string | undefined;
  /** MySQL connection pool size per process. */
  poolMax?: number;
  /** How long /readyz waits for the database before reporting it down. */
  pingTimeoutMs?: number;
  /** MySQL: how long opening a connection may take (TCP and handshake) before it fails. */
  connectTimeoutMs?: number;
  /** MySQL: how long one statement may wait for its answer; also the wait for a free pooled connection. */
  queryTimeoutMs?: number;
  /** How long a SQLite connection waits for another writer (another process) before SQLITE_BUSY. */
  sqliteBusyTimeoutMs?: number;
  /**
   * MySQL: how many times one transaction runs in all when the server rolls it back as a deadlock
   * victim, a lock-wait timeout, or (on Galera) a certification conflict at commit.
   */
  transactionAttempts?: number;
  /** Called before each re-run of a rolled-back transaction (for the log). */
  onTransactionRetry?: (event: TransactionRetry) => void;
}

export interface TransactionRetry {
  /** The attempt that failed (1 for the first run). */
  attempt: number;
  /** The driver's error code, e.g. ER_LOCK_DEADLOCK. */
  code: string;
}

export interface Database {
  readonly sequelize: Sequelize;
  readonly dialect: Dialect;
  readonly models: Models;
  /** Where the data lives, without credentials (for logs and messages). */
  readonly location: string;
  /**
   * Runs `work` in one transaction, committed when it resolves and rolled back when it throws.
   * Pass `transaction` to every query inside explicitly (there is no CLS). On SQLite,
   * transactions of this process run one at a time (BEGIN IMMEDIATE behind a mutex), because
   * SQLite has one writer; do not nest calls. On MySQL, a transaction the server rolls back as a
   * deadlock victim, after a lock-wait timeout or (Galera) after a certification conflict at
   * commit runs again from the start, so `work` must be safe to repeat: nothing it does may
   * escape before it resolves.
   */
  transaction<T>(work: (transaction: Transaction) => Promise<T>): Promise<T>;
  /**
   * Runs `statement` (one write outside a transaction) again when MySQL rolls it back for a
   * deadlock or a certification conflict, as `transaction` does; on SQLite it simply runs.
   */
  retryingConflicts<T>(statement: () => Promise<T>): Promise<T>;
  /** Resolves when the database answers within the ping timeout; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const defaultPingTimeoutMs = 2_000;
const defaultConnectTimeoutMs = 3_000;
const defaultQueryTimeoutMs = 10_000;
const defaultSqliteBusyTimeoutMs = 5_000;
// Conflicts come in bursts: 30 audited writes at once on three Galera nodes all update the audit
// chain head. In the cluster suite such bursts needed up to 7 runs with exponential, jittered
// backoff (≤ 5·2^attempt ms, capped at 250 ms); 10 leaves headroom for a slower machine.
const defaultTransactionAttempts = 10;
const retryBackoffBaseMs = 5;
const retryBackoffCapMs = 250;

/** The server rolled the whole transaction back; running it again from the start is safe. */
function retryableLockErrorCode(error: unknown): string | null {
  const cause = (error as { parent?: { code?: string }; original?: { code?: string } } | null) ?? {};
  const code = cause.parent?.code ?? cause.original?.code;
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT' ? code : null;
}

async function runWithRetry<T>(run: () => Promise<T>, options: DatabaseOptions): Promise<T> {
  const attempts = options.transactionAttempts ?? defaultTransactionAttempts;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      const code = retryableLockErrorCode(error);
      if (code === null || attempt >= attempts) throw error;
      options.onTransactionRetry?.({ attempt, code });
      // Jitter, so that the transactions that collided do not collide again in step.
      const ceilingMs = Math.min(retryBackoffCapMs, retryBackoffBaseMs * 2 ** attempt);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ceilingMs));
    }
  }
}

interface MysqlCallbackConnection {
  query(sql: string, callback: (error: Error | null, rows: unknown) => void): void;
}

function queryConnection(connection: MysqlCallbackConnection, sql: string): Promise<unknown> {
  return new Promise((resolve, reject) => connection.query(sql, (error, rows) => (error ? reject(error) : resolve(rows))));
}

/**
 * On a Galera node, a read may run before the node has applied a write that another node has
 * already committed (replication is synchronous to certify, asynchronous to apply). A token
 * revoked through one node must be refused at the next request through any other, so every
 * connection to a Galera node waits for causality before reads (wsrep_sync_wait = 1). Plain
 * MySQL has no such variable and MariaDB without wsrep ignores it; both are left alone. Whether
 * the server is a Galera node is asked on the first connection only.
 */
function causalReadsOnGalera(): (connection: MysqlCallbackConnection) => Promise<void> {
  let isGalera: Promise<boolean> | undefined;
  const detect = async (connection: MysqlCallbackConnection) => {
    try {
      const rows = await queryConnection(connection, 'SELECT @@wsrep_on AS wsrep_on');
      const value = (rows as Array<{ wsrep_on?: unknown }>)[0]?.wsrep_on;
      return value === 1 || value === '1' || value === 'ON';
    } catch {
      return false; // MySQL: no wsrep variables at all
    }
  };
  return async (connection) => {
    isGalera ??= detect(connection);
    if (await isGalera) await queryConnection(connection, 'SET SESSION wsrep_sync_wait = 1');
  };
}

export function describeDatabaseUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.hostname}:${parsed.port || '3306'}${parsed.pathname}`;
}

function mysqlOptions(url: string, options: DatabaseOptions): Options {
  const parsed = new URL(url);
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new Error(`unsupported database URL scheme "${parsed.protocol}" (use mysql://)`);
  }
  const ssl = parsed.searchParams.get('ssl');
  return {
    dialect: 'mysql',
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 3306,
    username: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
    timezone: '+00:00',
    logging: false,
    pool: { max: options.poolMax ?? 10, min: 0, acquire: options.queryTimeoutMs ?? defaultQueryTimeoutMs, idle: 10_000 },
    dialectOptions: {
      // mysql2 takes a collation here and sets the connection's charset from it.
      charset: 'utf8mb4_unicode_ci',
      connectTimeout: options.connectTimeoutMs ?? defaultConnectTimeoutMs,
      // JSON columns come back as text on MySQL 8 too, as they do on MariaDB (see models/attributes).
      jsonStrings: true,
      ...(ssl === 'true' ? { ssl: { rejectUnauthorized: true } } : {}),
    },
    define: { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci', underscored: true },
  };
}

function sqliteOptions(storage: string): Options {
  return {
    dialect: 'sqlite',
    storage,
    logging: false,
    // Take the write lock at BEGIN, so a transaction never fails half-way when it starts to write.
    transactionType: Transaction.TYPES.IMMEDIATE,
    define: { underscored: true },
  };
}

/** Serialises async critical sections in this process (SQLite: one transaction at a time). */
function createMutex() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(section: () => Promise<T>): Promise<T> => {
    const run = tail.then(section, section);
    tail = run.catch(() => undefined);
    return run;
  };
}

interface SqliteConnection {
  configure(option: 'busyTimeout', value: number): void;
}

/**
 * Sequelize opens a new sqlite3 connection per transaction and offers no hook for it; busy_timeout
 * is per connection, so every connection is configured as it is handed out.
 */
function configureSqliteConnections(sequelize: Sequelize, busyTimeoutMs: number): void {
  const manager = sequelize.connectionManager as unknown as {
    getConnection(options?: unknown): Promise<SqliteConnection>;
  };
  const getConnection = manager.getConnection.bind(manager);
  const configured = new WeakSet<SqliteConnection>();
  manager.getConnection = async (options?: unknown) => {
    const connection = await getConnection(options);
    if (!configured.has(connection)) {
      connection.configure('busyTimeout', busyTimeoutMs);
      configured.add(connection);
    }
    return connection;
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Opens the database and checks that it answers. Never creates or alters tables (see the migrator). */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const pingTimeoutMs = options.pingTimeoutMs ?? defaultPingTimeoutMs;
  if (options.url) {
    const sequelize = new Sequelize(mysqlOptions(options.url, options));
    const queryTimeoutMs = options.queryTimeoutMs ?? defaultQueryTimeoutMs;
    const enableCausalReads = causalReadsOnGalera();
    // Sequelize runs this once for every connection its pool opens.
    sequelize.addHook('afterConnect', async (connection) => {
      applyMysqlQueryTimeout(connection as Parameters<typeof applyMysqlQueryTimeout>[0], queryTimeoutMs);
      await enableCausalReads(connection as MysqlCallbackConnection);
    });
    const database: Database = {
      sequelize,
      dialect: 'mysql',
      models: defineModels(sequelize),
      location: describeDatabaseUrl(options.url),
      transaction: (work) => runWithRetry(() => sequelize.transaction((transaction) => work(transaction)), options),
      retryingConflicts: (statement) => runWithRetry(statement, options),
      ping: async () => {
        await withTimeout(sequelize.query('SELECT 1'), pingTimeoutMs, 'database ping timed out');
      },
      close: () => sequelize.close(),
    };
    try {
      await database.ping();
    } catch (error) {
      await sequelize.close();
      throw error;
    }
    return database;
  }

  const storage = options.sqlitePath;
  if (!storage) throw new Error('openDatabase: either url or sqlitePath is required');
  const sequelize = new Sequelize(sqliteOptions(storage));
  configureSqliteConnections(sequelize, options.sqliteBusyTimeoutMs ?? defaultSqliteBusyTimeoutMs);
  // WAL lets readers run while the single writer writes; the mode is stored in the file.
  await sequelize.query('PRAGMA journal_mode = WAL');
  // The file this process writes to. If it is deleted or replaced (say, by a careless restore),
  // writes would go to an orphaned inode, so readiness reports the database down until a restart.
  const opened = statSync(storage);
  const serialise = createMutex();
  return {
    sequelize,
    dialect: 'sqlite',
    models: defineModels(sequelize),
    location: storage,
    transaction: (work) =>
      serialise(() => sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE }, (t) => work(t))),
    retryingConflicts: (statement) => statement(),
    ping: async () => {
      let current;
      try {
        current = statSync(storage);
      } catch {
        throw new Error(`SQLite file ${storage} is missing`);
      }
      if (current.ino !== opened.ino || current.dev !== opened.dev) {
        throw new Error(`SQLite file ${storage} was replaced; restart the server`);
      }
      await withTimeout(sequelize.query('SELECT 1'), pingTimeoutMs, 'database ping timed out');
    },
    close: () => sequelize.close(),
  };
}


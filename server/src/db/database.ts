// The one place that knows how to open a database: MySQL/MariaDB from a `mysql://` (or
// `mariadb://`) URL, otherwise an embedded SQLite file (DESIGN §3). Everything above this layer
// gets a `Database` handle and never touches connection details.
import { statSync } from 'node:fs';
import { Sequelize, Transaction, type Options } from 'sequelize';
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
  /** How long a SQLite connection waits for another writer (another process) before SQLITE_BUSY. */
  sqliteBusyTimeoutMs?: number;
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
   * SQLite has one writer; do not nest calls.
   */
  transaction<T>(work: (transaction: Transaction) => Promise<T>): Promise<T>;
  /** Resolves when the database answers within the ping timeout; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const defaultPingTimeoutMs = 2_000;
const defaultSqliteBusyTimeoutMs = 5_000;

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
    pool: { max: options.poolMax ?? 10, min: 0, acquire: 10_000, idle: 10_000 },
    dialectOptions: {
      // mysql2 takes a collation here and sets the connection's charset from it.
      charset: 'utf8mb4_unicode_ci',
      connectTimeout: 5_000,
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
    const database: Database = {
      sequelize,
      dialect: 'mysql',
      models: defineModels(sequelize),
      location: describeDatabaseUrl(options.url),
      transaction: (work) => sequelize.transaction((transaction) => work(transaction)),
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


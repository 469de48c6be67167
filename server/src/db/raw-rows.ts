// Raw statements for the hot paths (the authenticator, vault sync, the audit append and token
// issuance every login and rotation run), where building a model instance per row costs more
// than the query. They go to the driver directly, on a connection of Sequelize's own pool (MySQL)
// or its shared connection (SQLite): Sequelize's query path (its
// replacement injection, escaping, retry wrapper, Query object, hooks and result formatting) cost
// more of the API's CPU under load than the driver itself (docs/performance.md, session 5). On
// MySQL it is mysql2's text protocol with the values escaped by mysql2 (`query`), not a prepared
// statement (`execute`): measured on a 100-row result, mysql2 3.24's binary-row parsing cost
// 4.7 ms of CPU against 0.29 ms for the text protocol (Sequelize's path: 0.55 ms); for the
// authenticator's one-row query a prepared statement saves MariaDB ~0.04 ms of CPU, small beside
// the API's own ~0.4 ms per request.
//
// Column values come back as each driver gives them: mysql2 hands out Date objects and numbers,
// sqlite3 text dates ('2026-01-02 03:04:05.678 +00:00', the format Sequelize writes) and 0/1
// integers; these readers make both one shape.
import { DatabaseError, type Transaction } from 'sequelize';
import type { Database, Dialect } from './database';

export type RawRow = Record<string, unknown>;

/**
 * A Date as the DATETIME(3) columns hold it, for comparisons in raw SQL: text with the
 * milliseconds ('2026-01-02 03:04:05.678'), which MySQL compares with DATETIME(3) exactly; SQLite
 * compares the text Sequelize wrote.
 */
function toColumnDate(dialect: Dialect, date: Date): string {
  const utc = date.toISOString().slice(0, 23).replace('T', ' ');
  return dialect === 'sqlite' ? `${utc} +00:00` : utc;
}

/** A value as the drivers bind it: Dates as above, booleans as the 0/1 both dialects store. */
function toBoundValue(dialect: Dialect, value: unknown): unknown {
  if (value instanceof Date) return toColumnDate(dialect, value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === undefined) return null;
  return value;
}

interface PositionalSql {
  /** The SQL with every `:name` replaced by `?`. */
  text: string;
  /** The replacement names in placeholder order (a name may repeat). */
  names: string[];
}

// Quoted strings and identifiers are skipped, so a ':' inside one is not a placeholder.
const placeholderPattern = /'(?:[^'\\]|\\.|'')*'|`[^`]*`|"(?:[^"\\]|\\.)*"|:([A-Za-z_][A-Za-z0-9_]*)/g;

// The positional form of each SQL text seen. The texts are the code's own constants (values are
// always replacements, never spliced into the SQL), so this holds a handful of entries.
const positionalForms = new Map<string, PositionalSql>();

export function toPositionalSql(sql: string): PositionalSql {
  let form = positionalForms.get(sql);
  if (!form) {
    const names: string[] = [];
    const text = sql.replace(placeholderPattern, (match, name: string | undefined) => {
      if (name === undefined) return match;
      names.push(name);
      return '?';
    });
    form = { text, names };
    positionalForms.set(sql, form);
  }
  return form;
}

interface MysqlConnection {
  query(statement: { sql: string; typeCast: unknown }, values: unknown[], callback: (error: Error | null, rows: unknown) => void): void;
}
interface SqliteConnection {
  serialize(schedule: () => void): void;
  all(sql: string, values: unknown[], callback: (error: Error | null, rows: unknown[]) => void): void;
  run(sql: string, values: unknown[], callback: (this: { lastID: number; changes: number }, error: Error | null) => void): void;
}
interface ConnectionManager<C> {
  getConnection(options: { type: 'read' | 'write' }): Promise<C>;
  releaseConnection(connection: C): unknown;
}

function connectionsOf<C>(db: Database): ConnectionManager<C> {
  return db.sequelize.connectionManager as unknown as ConnectionManager<C>;
}

// mysql2's own decoding (DATETIME as a Date in the connection's +00:00, integers as numbers)
// instead of the connection-wide typeCast Sequelize installs: that one runs Sequelize's parser for
// each field of each row (moment for every DATETIME), which made a 100-account list cost ~8 ms of
// CPU. A statement's own typeCast function is the only way mysql2 leaves the global one out.
const driverTypeCast = (_field: unknown, next: () => unknown) => next();

/** What mysql2 answers: rows for a SELECT (or a RETURNING), a result header for a write. */
function runMysql(connection: MysqlConnection, sql: string, values: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) =>
    connection.query({ sql, typeCast: driverTypeCast }, values, (error, answer) => (error ? reject(error) : resolve(answer))),
  );
}

// SQLite writes are scheduled in node-sqlite3's serialized mode, as Sequelize's own queries are:
// such a statement runs alone on its connection, and what is scheduled meanwhile waits in the
// connection's queue, not on a libuv thread. In the default parallel mode each statement takes a
// pool thread and blocks there on the connection's mutex: behind a write waiting for a
// transaction's lock (the busy timeout) they held every thread, the transaction's next statement
// could not run, and all waited out the timeout (SQLITE_BUSY; the auth bench, session 7). Reads
// stay parallel: in WAL mode they never wait for a lock, and serialized they cost /me ~25 % of
// its throughput on SQLite.
function scheduleSqlite(connection: SqliteConnection, type: 'read' | 'write', run: () => void): void {
  if (type === 'write') connection.serialize(run);
  else run();
}

function runSqlite(connection: SqliteConnection, sql: string, values: unknown[], type: 'read' | 'write'): Promise<RawRow[]> {
  return new Promise((resolve, reject) =>
    scheduleSqlite(connection, type, () => connection.all(sql, values, (error, rows) => (error ? reject(error) : resolve(rows as RawRow[])))),
  );
}

/** What a write reports: the new row's id (an INSERT into a table with an auto-increment id) and the rows it changed. */
export interface StatementResult {
  insertId: number;
  changes: number;
}

async function runMysqlWrite(connection: MysqlConnection, sql: string, values: unknown[]): Promise<StatementResult> {
  const header = (await runMysql(connection, sql, values)) as { insertId: number; affectedRows: number };
  return { insertId: Number(header.insertId), changes: Number(header.affectedRows) };
}

function runSqliteWrite(connection: SqliteConnection, sql: string, values: unknown[]): Promise<StatementResult> {
  return new Promise((resolve, reject) =>
    scheduleSqlite(connection, 'write', () =>
      connection.run(sql, values, function (error) {
        if (error) return reject(error);
        resolve({ insertId: Number(this.lastID), changes: Number(this.changes) });
      }),
    ),
  );
}

/**
 * The SQL with positional placeholders and the values in their order, bound as the drivers bind
 * them (toBoundValue) — what every raw statement sends, and what a bench sends to match it.
 */
export function bindNamed(dialect: Dialect, sql: string, replacements: Record<string, unknown>): { text: string; values: unknown[] } {
  const { text, names } = toPositionalSql(sql);
  const values = names.map((name) => {
    if (!(name in replacements)) throw new Error(`raw statement: no replacement for :${name}`);
    return toBoundValue(dialect, replacements[name]);
  });
  return { text, values };
}

/** On the transaction's connection when given, else on one of the pool's for the call. */
async function onConnection<T>(
  db: Database,
  sql: string,
  replacements: Record<string, unknown>,
  transaction: Transaction | undefined,
  type: 'read' | 'write',
  run: (connection: MysqlConnection & SqliteConnection, text: string, values: unknown[]) => Promise<T>,
): Promise<T> {
  const { text, values } = bindNamed(db.dialect, sql, replacements);
  const connections = connectionsOf<MysqlConnection & SqliteConnection>(db);
  const given = (transaction as unknown as { connection?: MysqlConnection & SqliteConnection } | undefined)?.connection;
  const connection = given ?? (await connections.getConnection({ type }));
  try {
    return await run(connection, text, values);
  } catch (error) {
    const parent = error as Error & { sql: string };
    parent.sql = text;
    throw new DatabaseError(parent);
  } finally {
    if (!given) connections.releaseConnection(connection);
  }
}

/**
 * Runs one SELECT with named `:replacements` (bound by the driver, never spliced into the SQL;
 * Dates and booleans as above), in `transaction` when given. A driver error is thrown as
 * Sequelize's DatabaseError with the driver's error as `parent`, as `sequelize.query` throws it,
 * so the error handler and the unavailability check (availability.ts) read it the same way; the
 * bound values are not attached (they may be token hashes).
 */
export async function selectRows<T extends RawRow = RawRow>(
  db: Database,
  sql: string,
  replacements: Record<string, unknown>,
  transaction?: Transaction,
): Promise<T[]> {
  return rowsOf<T>(db, sql, replacements, transaction, 'read');
}

/** A write that answers with rows (SQLite's INSERT … RETURNING), run as runStatement runs writes. */
export async function writeReturningRows<T extends RawRow = RawRow>(
  db: Database,
  sql: string,
  replacements: Record<string, unknown>,
  transaction?: Transaction,
): Promise<T[]> {
  return rowsOf<T>(db, sql, replacements, transaction, 'write');
}

function rowsOf<T extends RawRow>(
  db: Database,
  sql: string,
  replacements: Record<string, unknown>,
  transaction: Transaction | undefined,
  type: 'read' | 'write',
): Promise<T[]> {
  return onConnection(db, sql, replacements, transaction, type, async (connection, text, values) =>
    (db.dialect === 'mysql' ? await runMysql(connection, text, values) : await runSqlite(connection, text, values, type)) as T[],
  );
}

/**
 * Runs one INSERT, UPDATE or DELETE the same way (named replacements bound by the driver, errors
 * as Sequelize's DatabaseError), for the hot writes. Meant for a transaction's statements: the
 * caller's transaction gives the connection and the atomicity.
 */
export async function runStatement(
  db: Database,
  sql: string,
  replacements: Record<string, unknown>,
  transaction?: Transaction,
): Promise<StatementResult> {
  return onConnection(db, sql, replacements, transaction, 'write', (connection, text, values) =>
    db.dialect === 'mysql' ? runMysqlWrite(connection, text, values) : runSqliteWrite(connection, text, values),
  );
}

/**
 * The row-lock clause of a SELECT inside a transaction: MySQL's FOR UPDATE / LOCK IN SHARE MODE;
 * nothing on SQLite, whose single writer serialises write transactions instead (as Sequelize's
 * `lock` option does).
 */
export function lockClause(db: Database, kind: 'update' | 'share'): string {
  if (db.dialect !== 'mysql') return '';
  return kind === 'update' ? ' FOR UPDATE' : ' LOCK IN SHARE MODE';
}

export function readDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'string' || typeof value === 'number') return new Date(value);
  throw new Error(`not a date column value: ${String(value)}`);
}

export function readOptionalDate(value: unknown): Date | null {
  return value === null || value === undefined ? null : readDate(value);
}

export function readBoolean(value: unknown): boolean {
  return value === true || value === 1 || value === '1';
}

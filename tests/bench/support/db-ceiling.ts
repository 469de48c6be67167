// The database's own ceiling for the authenticator: its exact query (principalSql, the one round
// trip of every authenticated request) through a mysql2 pool with `inFlight` queries always
// outstanding, for a few seconds, with no HTTP and no Express around it. Run both ways the API
// could send it: text protocol with the values substituted by the client (what sequelize.query
// does) and a server-side prepared statement (mysql2's `execute`, what selectRows does). What the
// API reaches on GET /me divided by this is the share the Node code leaves of what MariaDB allows
// on the same machine. Also reads the CPU time MariaDB's own process uses, for the CPU split.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { bindNamed, principalSql, principalValues } from '@secureaccess/server';

// mysql2 is the server's dependency, not the tests'; the part of its callback-free API used here.
interface Pool {
  query(sql: string, values: unknown[]): Promise<[unknown[], unknown]>;
  execute(sql: string, values: unknown[]): Promise<[unknown[], unknown]>;
  end(): Promise<void>;
}
const serverRequire = createRequire(path.join(__dirname, '..', '..', '..', 'server', 'package.json'));
const mysql = serverRequire('mysql2/promise') as { createPool(options: Record<string, unknown>): Pool };

export interface AccessTokenClaims {
  jti: string;
  sid: string;
  sub: string;
}

/** The claims the authenticator binds into its query, read from a compact JWS (not verified: ours). */
export function claimsOf(accessToken: string): AccessTokenClaims {
  const payload = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString('utf8')) as AccessTokenClaims;
  return { jti: payload.jti, sid: payload.sid, sub: payload.sub };
}

export interface CeilingResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
}

/** `inFlight` workers, each sending the authenticator's query again as soon as the last one answered. */
export async function measureAuthQueryCeiling(
  databaseUrl: string,
  claims: AccessTokenClaims,
  options: { inFlight: number; durationSeconds: number; prepared: boolean },
): Promise<CeilingResult> {
  const pool = mysql.createPool({ uri: databaseUrl, connectionLimit: options.inFlight, timezone: '+00:00', charset: 'utf8mb4_unicode_ci' });
  const now = new Date();
  // The authenticator's own replacements; the session has just been used by the routes' load, so
  // an idle limit of 10 minutes keeps it live. Bound as the API binds them (bindNamed).
  const { text, values } = bindNamed('mysql', principalSql, principalValues(claims, now, { idleMs: 10 * 60_000 }));
  const send = () => (options.prepared ? pool.execute(text, values) : pool.query(text, values));
  try {
    const [rows] = await send();
    if (rows.length !== 1) throw new Error(`the authenticator's query found ${rows.length} rows for the bench's token, not 1`);
    const latencies: number[] = [];
    const started = performance.now();
    const deadline = started + options.durationSeconds * 1000;
    await Promise.all(
      Array.from({ length: options.inFlight }, async () => {
        while (performance.now() < deadline) {
          const sentAt = performance.now();
          await send();
          latencies.push(performance.now() - sentAt);
        }
      }),
    );
    const elapsedSeconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const at = (q: number) => Number((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(1));
    return { rps: latencies.length / elapsedSeconds, p50Ms: at(0.5), p99Ms: at(0.99), total: latencies.length };
  } finally {
    await pool.end();
  }
}

/** CPU time (user + system, ms) from a /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat file. */
export function readProcCpuMs(statPath: string): number {
  // Fields after the command name (which is in parentheses and may hold spaces): utime is the
  // 14th field of the line, stime the 15th; both in clock ticks (USER_HZ, 100 on Linux).
  const stat = readFileSync(statPath, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100;
  return ((Number(fields[11]) + Number(fields[12])) / ticksPerSecond) * 1000;
}

/** A reader of one thread's CPU time (ms), e.g. a process's main thread (tid = pid); null without /proc. */
export function threadCpuReader(pid: number, tid: number): (() => number) | null {
  const statPath = `/proc/${pid}/task/${tid}/stat`;
  try {
    readProcCpuMs(statPath);
    return () => readProcCpuMs(statPath);
  } catch {
    return null;
  }
}

/**
 * A reader of the CPU time (user + system, ms) MariaDB's server process has used, from
 * /proc/<pid>/stat — or null when the server is not on this machine or /proc is not readable.
 */
export async function mariadbCpuReader(databaseUrl: string): Promise<(() => number) | null> {
  const pool = mysql.createPool({ uri: databaseUrl, connectionLimit: 1 });
  try {
    const [rows] = await pool.query('SELECT @@pid_file AS pid_file', []);
    const pidFile = String((rows as Array<{ pid_file: string }>)[0]!.pid_file);
    const pid = readFileSync(pidFile, 'utf8').trim();
    const read = () => readProcCpuMs(`/proc/${pid}/stat`);
    read();
    return read;
  } catch {
    return null;
  } finally {
    await pool.end();
  }
}

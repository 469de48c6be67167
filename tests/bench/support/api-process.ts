// The API as an operator runs it, for the benches: its own Node process (NODE_ENV=production,
// production logging to a pipe the bench drains), on a fresh migrated database — a uniquely named
// MariaDB database on the shared server or a SQLite file — with the auth rate limits raised out of
// the way. The compiled server (server/dist/main.js) is used when it exists; until then the
// TypeScript sources run through tsx's loader, which the bench output says.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Dialect } from '@secureaccess/server';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

// BENCH_SERVER_DIR runs another checkout's server (e.g. main's, for "before" figures) with this
// checkout's bench; the database schema must be the same.
const serverDir = path.resolve(process.env.BENCH_SERVER_DIR ?? path.join(__dirname, '..', '..', '..', 'server'));
const compiledMain = path.join(serverDir, 'dist', 'main.js');
const probe = path.join(__dirname, 'loop-lag-probe.cjs');
// Extra Node flags for the API process only (e.g. BENCH_API_NODE_FLAGS=--max-old-space-size=128 to
// compare heap caps): NODE_OPTIONS would cap the bench's own process as well.
const envNodeFlags = (process.env.BENCH_API_NODE_FLAGS ?? '').split(' ').filter(Boolean);

export interface ProbeReading {
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  rssBytes: number;
  maxRssBytes: number;
  /** V8's heap (reserved, used) and memory outside it held by JS objects, at the highest RSS sample. */
  heapTotalBytesAtMaxRss: number;
  heapUsedBytesAtMaxRss: number;
  externalBytesAtMaxRss: number;
}

export interface ApiProcess {
  baseUrl: string;
  dialect: Dialect;
  /** mysql: the server's database (root credentials), for the database-ceiling leg; sqlite: undefined. */
  databaseUrl: string | undefined;
  /** "compiled JavaScript (node server/dist/main.js)" or "TypeScript through tsx". */
  runtime: string;
  pid: number;
  /** Starts a fresh event-loop delay histogram and RSS maximum in the server. */
  resetProbe(): Promise<void>;
  readProbe(): Promise<ProbeReading>;
  /** CPU time (user + system) the server process has used since it started, in ms. */
  readCpuMs(): Promise<number>;
  stop(): Promise<void>;
}

export interface ApiProcessOptions {
  dialect: Dialect;
  env?: Record<string, string>;
  /** Extra Node flags for the server (e.g. --cpu-prof). */
  nodeFlags?: string[];
}

export async function startApiProcess(options: ApiProcessOptions): Promise<ApiProcess> {
  const previous = process.env.TEST_DB;
  process.env.TEST_DB = options.dialect;
  let database: TestDatabase;
  try {
    database = await createTestDatabase();
  } finally {
    if (previous === undefined) delete process.env.TEST_DB;
    else process.env.TEST_DB = previous;
  }
  // The bench never writes through database.db: the server process owns the database.
  // SQLite: the server finds <DATA_DIR>/secureaccess.sqlite, the file just migrated.
  const dataDir = options.dialect === 'sqlite' ? database.name : await mkdtemp(path.join(tmpdir(), 'sa-bench-data-'));
  const compiled = existsSync(compiledMain);
  const entry = compiled ? [compiledMain] : ['--import', 'tsx', path.join(serverDir, 'src', 'main.ts')];
  const child: ChildProcess = spawn(process.execPath, [...envNodeFlags, ...(options.nodeFlags ?? []), '--require', probe, ...entry], {
    cwd: serverDir,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      AUTH_RATE_LIMIT_MAX: '1000000',
      REFRESH_RATE_LIMIT_MAX: '1000000',
      LOGIN_MAX_FAILURES: '1000',
      CLEANUP_INTERVAL_SECONDS: '0',
      ...(options.dialect === 'mysql' ? { DATABASE_URL: database.url! } : { DATABASE_URL: '' }),
      ...options.env,
    },
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const onData = (chunk: Buffer) => {
      // The log lines go on being drained (and dropped) after the banner, as a log shipper would.
      stdout = (stdout + chunk.toString()).slice(-8000);
      const match = /listening on (http:\/\/[^\s]+)/.exec(stdout);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the API exited with ${code} before listening: ${stderr}`)));
  });
  const messages: ((message: unknown) => void)[] = [];
  child.on('message', (message) => messages.shift()?.(message));
  const ask = <T>(question: string) =>
    new Promise<T>((resolve) => {
      messages.push((answer) => resolve(answer as T));
      child.send(question);
    });
  return {
    baseUrl,
    dialect: options.dialect,
    databaseUrl: database.url,
    runtime:
      (compiled ? 'compiled JavaScript (node server/dist/main.js)' : 'TypeScript through the tsx loader (no compiled build on main yet)') +
      (envNodeFlags.length > 0 ? `, API flags ${envNodeFlags.join(' ')}` : ''),
    pid: child.pid!,
    resetProbe: async () => {
      await ask('probe:reset');
    },
    readProbe: () => ask<ProbeReading>('probe:read'),
    readCpuMs: async () => (await ask<{ cpuMs: number }>('probe:cpu')).cpuMs,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => {
          console.warn(`the API (pid ${child.pid}) did not stop within 15 s of SIGTERM: killed`);
          child.kill('SIGKILL');
        }, 15_000);
        await exited;
        clearTimeout(timer);
      }
      await database.drop();
      if (options.dialect !== 'sqlite') await rm(dataDir, { recursive: true, force: true });
    },
  };
}

// CPU time per request of each process taking part in a measured run: the API process (and, of
// it, its main thread, the event loop), MariaDB's server process when it runs on this machine, and
// the bench's own load client. Used by every API bench, so each row says where its time went.
import type { Dialect } from '@secureaccess/server';
import type { ApiProcess } from './api-process';
import { mariadbCpuReader, threadCpuReader } from './db-ceiling';

export interface CpuSplit {
  apiMs: number | null;
  /** Of apiMs, the API's main thread (the event loop); the rest is argon2's pool, GC helpers, compilers, libuv. */
  apiMainThreadMs: number | null;
  dbMs: number | null;
  clientMs: number;
}
export type Measured<R> = R & { cpu: CpuSplit };

export interface CpuReaders {
  api: (() => Promise<number>) | null;
  apiMain: (() => number) | null;
  db: (() => number) | null;
}

/** The readers for an API process started by the bench (MariaDB's only for the mysql dialect). */
export async function cpuReadersOf(api: ApiProcess, dialect: Dialect): Promise<CpuReaders> {
  const db = dialect === 'mysql' ? await mariadbCpuReader(api.databaseUrl!) : null;
  return { api: api.readCpuMs, apiMain: threadCpuReader(api.pid, api.pid), db };
}

export async function withCpuSplit<R extends { total: number }>(readers: CpuReaders, run: () => Promise<R>): Promise<Measured<R>> {
  const apiBefore = readers.api ? await readers.api() : null;
  const dbBefore = readers.db?.() ?? null;
  const mainBefore = readers.apiMain?.() ?? null;
  const clientBefore = process.cpuUsage();
  const result = await run();
  const client = process.cpuUsage(clientBefore);
  const apiAfter = readers.api ? await readers.api() : null;
  const dbAfter = readers.db?.() ?? null;
  const mainAfter = readers.apiMain?.() ?? null;
  const per = (ms: number) => Number((ms / Math.max(1, result.total)).toFixed(3));
  return {
    ...result,
    cpu: {
      apiMs: apiBefore === null || apiAfter === null ? null : per(apiAfter - apiBefore),
      apiMainThreadMs: mainBefore === null || mainAfter === null ? null : per(mainAfter - mainBefore),
      dbMs: dbBefore === null || dbAfter === null ? null : per(dbAfter - dbBefore),
      clientMs: per((client.user + client.system) / 1000),
    },
  };
}

/** The split as a bench row's extra fields. */
export function cpuFields(cpu: CpuSplit): Record<string, number | null> {
  return {
    apiCpuMsPerReq: cpu.apiMs,
    apiMainThreadCpuMsPerReq: cpu.apiMainThreadMs,
    dbCpuMsPerReq: cpu.dbMs,
    clientCpuMsPerReq: cpu.clientMs,
  };
}

// The API's everyday routes under load, as an operator runs it (see support/api-process.ts): one
// user with 100 accounts, autocannon at 32 connections on loopback against
//   GET /api/v1/me                              a small authenticated route
//   GET /api/v1/accounts?since=<latest cursor>  the steady-state sync (empty delta)
//   GET /api/v1/accounts                        the full sync of 100 accounts
// on MariaDB and on SQLite, each beside the floor — a bare Node `http` JSON route in its own
// process, measured in the same run — and the API's RSS under that load. Prints req/s, p50/p99 and
// the share of the floor; asserts nothing on time, only that every answer was a 2xx.
// Each route's row also gives the CPU time per request of the API process, of MariaDB's server
// process (when it runs on this machine) and of the load client. On MariaDB a last leg measures
// the database's own ceiling: the authenticator's query through a mysql2 pool at the same 32 in
// flight, no HTTP (support/db-ceiling.ts), as text and as a prepared statement.
// Run: server/node_modules/.bin/tsx tests/bench/api-routes.bench.ts
//      (BENCH_DB=mysql|sqlite|mysql,sqlite, BENCH_SECONDS=5, BENCH_CPU_PROF=<dir> profiles the API)
import type { Dialect } from '@secureaccess/server';
import { startApiProcess } from './support/api-process';
import { claimsOf, measureAuthQueryCeiling, type CeilingResult } from './support/db-ceiling';
import { cpuFields, cpuReadersOf, withCpuSplit, type Measured } from './support/cpu-split';
import { loadRoute, startFloorServer, type LoadResult } from './support/load';
import { recordBench, type BenchRow } from './support/results';
import { importAccounts, listAccounts, seedUser } from './support/seed';

const connections = 32;
const accountCount = 100;
const durationSeconds = Number(process.env.BENCH_SECONDS ?? 5);
const dialects = (process.env.BENCH_DB ?? 'mysql,sqlite').split(',') as Dialect[];
const dialectName: Record<Dialect, string> = { mysql: 'MariaDB', sqlite: 'SQLite' };
const mib = (bytes: number) => bytes / 1024 / 1024;

function routeRow(label: string, result: Measured<LoadResult | CeilingResult>, floor: LoadResult): BenchRow {
  return {
    label,
    value: result.rps,
    unit: 'req/s',
    floor: floor.rps,
    floorLabel: 'bare http JSON',
    higherIsBetter: true,
    extra: {
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      requests: result.total,
      ...cpuFields(result.cpu),
    },
  };
}

async function benchDialect(dialect: Dialect): Promise<{ rows: BenchRow[]; runtime: string }> {
  const profileDir = process.env.BENCH_CPU_PROF;
  const api = await startApiProcess({
    dialect,
    ...(profileDir ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}),
  });
  const floorServer = await startFloorServer();
  try {
    const seeded = await seedUser(api.baseUrl);
    await importAccounts(api.baseUrl, seeded, accountCount);
    const { cursor, accounts } = await listAccounts(api.baseUrl, seeded);
    if (accounts.length !== accountCount) throw new Error(`the full list holds ${accounts.length} accounts`);
    const delta = await listAccounts(api.baseUrl, seeded, cursor);
    if (delta.accounts.length + delta.tombstones.length !== 0) throw new Error('the delta since the latest cursor is not empty');

    const readers = await cpuReadersOf(api, dialect);
    const run = (label: string, url: string, headers?: Record<string, string>) =>
      withCpuSplit(readers, () => loadRoute(label, url, { connections, durationSeconds, ...(headers ? { headers } : {}) }));
    // Warm both up (JIT, pools), then measure the floor between the routes so load drift shows.
    await run('warm-up floor', floorServer.url);
    await run('warm-up /me', `${api.baseUrl}/api/v1/me`, seeded.bearer);
    await api.resetProbe();
    const name = dialectName[dialect];
    const floor = await run('floor', floorServer.url);
    const me = await run('/me', `${api.baseUrl}/api/v1/me`, seeded.bearer);
    const empty = await run('empty delta', `${api.baseUrl}/api/v1/accounts?since=${encodeURIComponent(cursor)}`, seeded.bearer);
    const full = await run('full list', `${api.baseUrl}/api/v1/accounts`, seeded.bearer);
    const floorAfter = await run('floor', floorServer.url);
    const probe = await api.readProbe();
    const floorMean: LoadResult = { ...floor, rps: (floor.rps + floorAfter.rps) / 2 };
    const ceilingRows: BenchRow[] = [];
    if (dialect === 'mysql') {
      const claims = claimsOf(seeded.session.accessToken);
      for (const prepared of [false, true]) {
        const ceiling = await withCpuSplit({ api: null, apiMain: null, db: readers.db }, () =>
          measureAuthQueryCeiling(api.databaseUrl!, claims, { inFlight: connections, durationSeconds, prepared }),
        );
        ceilingRows.push(routeRow(`auth query alone, ${prepared ? 'prepared' : 'text'} (mysql2 pool, ${connections} in flight)`, ceiling, floorMean));
      }
    }
    console.log(`api routes on ${name}: ${api.runtime}; floor before ${floor.rps.toFixed(0)}, after ${floorAfter.rps.toFixed(0)} req/s`);
    return {
      runtime: api.runtime,
      rows: [
        routeRow(`GET /me (${name}, ${connections} conn)`, me, floorMean),
        routeRow(`GET /accounts?since=<latest> (${name})`, empty, floorMean),
        routeRow(`GET /accounts, ${accountCount} accounts (${name})`, full, floorMean),
        {
          label: `API RSS under this load (${name})`,
          value: mib(probe.maxRssBytes),
          unit: 'MiB',
          floor: null,
          floorLabel: null,
          higherIsBetter: false,
          extra: {
            eventLoopLagP99Ms: Number(probe.lagP99Ms.toFixed(1)),
            heapTotalMiB: Math.round(mib(probe.heapTotalBytesAtMaxRss)),
            heapUsedMiB: Math.round(mib(probe.heapUsedBytesAtMaxRss)),
            externalMiB: Math.round(mib(probe.externalBytesAtMaxRss)),
          },
        },
        ...ceilingRows,
      ],
    };
  } finally {
    await floorServer.stop();
    await api.stop();
  }
}

async function main(): Promise<void> {
  const rows: BenchRow[] = [];
  let runtime = '';
  for (const dialect of dialects) {
    const result = await benchDialect(dialect);
    rows.push(...result.rows);
    runtime = result.runtime;
  }
  recordBench('api-routes', { connections, durationSeconds, accountCount, runtime }, rows);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

// How sync grows with the vault (issue 13 item 2): one API process (support/api-process.ts), one
// user per size with 100, 1 000 and 10 000 accounts, and for each
//   - the empty delta   GET /accounts?since=<latest cursor>
//   - a 100-change delta GET /accounts?since=<cursor before the last 100 imports>
//   - the full list     GET /accounts
// under autocannon at 32 connections. The floor of each route is the same route on the 100-account
// vault, measured in the same run: the empty delta should not grow at all (goal: 10 000 within
// 20 % of 100), the 100-change delta barely, and the full list in proportion to what it sends.
// Run: server/node_modules/.bin/tsx tests/bench/vault-growth.bench.ts (BENCH_DB=mysql|sqlite, BENCH_SECONDS=4)
import type { Dialect } from '@secureaccess/server';
import { startApiProcess } from './support/api-process';
import { loadRoute, type LoadResult } from './support/load';
import { recordBench, type BenchRow } from './support/results';
import { importAccounts, listAccounts, seedUser } from './support/seed';

const sizes = [100, 1_000, 10_000];
const changed = 100;
const connections = 32;
const durationSeconds = Number(process.env.BENCH_SECONDS ?? 4);
const dialect = (process.env.BENCH_DB?.split(',')[0] ?? 'mysql') as Dialect;
const name = dialect === 'mysql' ? 'MariaDB' : 'SQLite';

type Route = 'empty delta' | '100-change delta' | 'full list';

async function main(): Promise<void> {
  const api = await startApiProcess({ dialect });
  const results = new Map<number, Map<Route, LoadResult>>();
  try {
    for (const size of sizes) {
      const seeded = await seedUser(api.baseUrl);
      await importAccounts(api.baseUrl, seeded, size - changed);
      const before = (await listAccounts(api.baseUrl, seeded)).cursor;
      await importAccounts(api.baseUrl, seeded, changed, size - changed);
      const full = await listAccounts(api.baseUrl, seeded);
      if (full.accounts.length !== size) throw new Error(`the vault holds ${full.accounts.length}, not ${size}`);
      if ((await listAccounts(api.baseUrl, seeded, before)).accounts.length !== changed) throw new Error('the delta is not 100 changes');

      const base = `${api.baseUrl}/api/v1/accounts`;
      const urls: [Route, string][] = [
        ['empty delta', `${base}?since=${encodeURIComponent(full.cursor)}`],
        ['100-change delta', `${base}?since=${encodeURIComponent(before)}`],
        ['full list', base],
      ];
      const bySize = new Map<Route, LoadResult>();
      await loadRoute('warm-up', urls[0]![1], { connections, durationSeconds: 1, headers: seeded.bearer });
      for (const [route, url] of urls) {
        bySize.set(route, await loadRoute(`${route} at ${size}`, url, { connections, durationSeconds, headers: seeded.bearer }));
      }
      results.set(size, bySize);
    }
  } finally {
    await api.stop();
  }
  const rows: BenchRow[] = [];
  for (const route of ['empty delta', '100-change delta', 'full list'] as Route[]) {
    const atFloor = results.get(sizes[0]!)!.get(route)!;
    for (const size of sizes) {
      const result = results.get(size)!.get(route)!;
      rows.push({
        label: `${route} at ${size.toLocaleString('en')} accounts (${name})`,
        value: result.rps,
        unit: 'req/s',
        floor: size === sizes[0] ? null : atFloor.rps,
        floorLabel: size === sizes[0] ? null : `same route at ${sizes[0]} accounts`,
        higherIsBetter: true,
        extra: { p50Ms: result.p50Ms, p99Ms: result.p99Ms },
      });
    }
  }
  console.log(`vault growth on ${name}: ${api.runtime}; ${connections} connections × ${durationSeconds} s per route`);
  recordBench('vault-growth', { dialect, sizes, changed, connections, durationSeconds, runtime: api.runtime }, rows);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

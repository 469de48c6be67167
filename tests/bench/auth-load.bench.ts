// The two auth routes that cost by design, as an operator runs the API (support/api-process.ts):
//   - refresh rotation: 16 clients, each rotating its own refresh token as fast as answers come
//     (closed loop: a rotation needs the previous answer's token), against the same closed-loop
//     client on the bare `http` JSON floor in the same run; errors are counted, not tolerated;
//   - login: 8 clients logging in as fast as answers come, against the floor of raw argon2id
//     verifies at the server's own parameters (serverArgon2Params), 8 in flight, in a separate
//     process on the same cores and the same libuv thread pool size — login cannot beat the hash
//     it must compute — with the API's event-loop delay p99 while the logins run.
// Each runs twice: all clients one person (one user's row lock serialises that person's logins and
// rotations by design: the session limit and token-family rules hold under concurrency), and each
// client a different person (what an organisation's morning looks like; only the audit chain's
// head is shared).
// Each row also gives the CPU time per request of the API (and its main thread), MariaDB and the
// client (support/cpu-split.ts): login is CPU-bound here, so that is where its ratio is decided.
// Asserts nothing on time. Run: server/node_modules/.bin/tsx tests/bench/auth-load.bench.ts
//   (BENCH_DB=mysql|sqlite, default mysql; BENCH_SECONDS=5)
import { spawn } from 'node:child_process';
import path from 'node:path';
import { serverArgon2Params, type Dialect } from '@secureaccess/server';
import { loginUser } from '../helpers/auth';
import { startApiProcess } from './support/api-process';
import { cpuFields, cpuReadersOf, withCpuSplit } from './support/cpu-split';
import { runClosedLoop, startFloorServer } from './support/load';
import { recordBench, type BenchRow } from './support/results';
import { apiOf, seedUser } from './support/seed';

const refreshClients = 16;
const loginClients = 8;
const durationSeconds = Number(process.env.BENCH_SECONDS ?? 5);
const dialect = (process.env.BENCH_DB?.split(',')[0] ?? 'mysql') as Dialect;
const name = dialect === 'mysql' ? 'MariaDB' : 'SQLite';

/** Raw argon2.verify of one hash, `concurrency` in flight for `seconds`, in its own process. */
function measureRawArgon2(concurrency: number, seconds: number): Promise<number> {
  const source = `
    const argon2 = require('argon2');
    const params = JSON.parse(process.env.ARGON2_PARAMS);
    (async () => {
      const secret = require('node:crypto').randomBytes(32);
      const hash = await argon2.hash(secret, params);
      await argon2.verify(hash, secret);
      let done = 0;
      const deadline = performance.now() + Number(process.env.SECONDS) * 1000;
      const started = performance.now();
      await Promise.all(Array.from({ length: Number(process.env.CONCURRENCY) }, async () => {
        while (performance.now() < deadline) {
          if (!(await argon2.verify(hash, secret))) throw new Error('verify failed');
          done += 1;
        }
      }));
      process.stdout.write(String(done / ((performance.now() - started) / 1000)));
    })();
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', source], {
      // argon2 is the server's dependency: resolve it from there.
      cwd: path.resolve(__dirname, '..', '..', 'server'),
      env: { ...process.env, ARGON2_PARAMS: JSON.stringify(serverArgon2Params), SECONDS: String(seconds), CONCURRENCY: String(concurrency) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`raw argon2 exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  const api = await startApiProcess({ dialect, env: { MAX_SESSIONS_PER_USER: '1000' } });
  const floorServer = await startFloorServer();
  const rows: BenchRow[] = [];
  try {
    const seeded = await seedUser(api.baseUrl);
    // One person per client for the "different people" runs (the first is `seeded`).
    const people = [seeded];
    while (people.length < refreshClients) people.push(await seedUser(api.baseUrl));
    const floorRefresh = await runClosedLoop(floorServer.url, refreshClients, durationSeconds, () => ({ refreshToken: 'x' }));
    const raw = await measureRawArgon2(loginClients, durationSeconds);
    const readers = await cpuReadersOf(api, dialect);

    for (const who of ['one person', 'different people'] as const) {
      const personOf = (worker: number) => (who === 'one person' ? seeded : people[worker]!);
      // Refresh: each worker sends its latest token; the answer carries the next one.
      const tokens: string[] = [];
      for (let i = 0; i < refreshClients; i += 1) tokens.push((await loginUser(apiOf(api.baseUrl), personOf(i).user)).refreshToken);
      const refresh = await withCpuSplit(readers, () =>
        runClosedLoop(`${api.baseUrl}/api/v1/auth/refresh`, refreshClients, durationSeconds, (worker, previous) => {
          if (previous) tokens[worker] = (previous as { refreshToken: string }).refreshToken;
          return { refreshToken: tokens[worker] };
        }),
      );
      rows.push({
        label: `refresh rotations (${name}, ${refreshClients} clients, ${who})`,
        value: refresh.rps,
        unit: 'req/s',
        floor: floorRefresh.rps,
        floorLabel: 'bare http JSON, same client',
        higherIsBetter: true,
        extra: { p50Ms: refresh.p50Ms, p99Ms: refresh.p99Ms, rotations: refresh.total, errors: refresh.errors, ...cpuFields(refresh.cpu) },
      });

      // Login: against raw argon2 (measured above, the API idle), with the API's event-loop delay.
      await api.resetProbe();
      const login = await withCpuSplit(readers, () =>
        runClosedLoop(`${api.baseUrl}/api/v1/auth/login`, loginClients, durationSeconds, (worker) => ({
          email: personOf(worker).user.email,
          authHash: personOf(worker).user.authHash,
        })),
      );
      const probe = await api.readProbe();
      rows.push({
        label: `login (${name}, ${loginClients} clients, ${who})`,
        value: login.rps,
        unit: 'req/s',
        floor: raw,
        floorLabel: `raw argon2id verify m=${serverArgon2Params.memoryCost} t=${serverArgon2Params.timeCost}, ${loginClients} in flight`,
        higherIsBetter: true,
        extra: {
          p50Ms: login.p50Ms,
          p99Ms: login.p99Ms,
          errors: login.errors,
          eventLoopLagP99Ms: Number(probe.lagP99Ms.toFixed(1)),
          rssMiB: Math.round(probe.maxRssBytes / 1024 / 1024),
          ...cpuFields(login.cpu),
        },
      });
    }
    console.log(`auth load on ${name}: ${api.runtime}; UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}`);
    recordBench('auth-load', { dialect, durationSeconds, refreshClients, loginClients, runtime: api.runtime }, rows);
  } finally {
    await floorServer.stop();
    await api.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

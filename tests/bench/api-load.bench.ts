// The real API (createApp on a temp, migrated SQLite database, via startTestApp) under load on
// loopback: one registered, logged-in user with 5 000 accounts (bulk-imported as real envelopes),
// then autocannon, bounded by duration and connections, on
//   - GET /healthz                              the floor: routing, middleware, no auth, no database
//   - GET /api/v1/accounts?since=<latest cursor> the steady-state sync (empty delta)
//   - GET /api/v1/me                            a small authenticated route
// Prints req/s, p50/p99 latency and each route's ratio to the floor; asserts nothing on time, only
// that every answer was a 2xx and that the delta is empty.
// Run: server/node_modules/.bin/tsx tests/bench/api-load.bench.ts
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Account, ListAccountsResponse } from '@secureaccess/shared/contract';
import { encryptField } from '@secureaccess/shared/crypto';
import { startTestApp, type TestApp } from '../helpers/app';
import { registerAndLogin } from '../helpers/auth';

// autocannon is a root devDependency without bundled types: the part of it this bench uses.
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
}) => Promise<AutocannonResult>;
const autocannon = createRequire(__filename)('autocannon') as Autocannon;

const accountCount = 5_000;
const batchSize = 1_000;
const connections = 10;
const durationSeconds = 4;

function expectStatus(response: { status: number; body: unknown }, status: number, what: string) {
  if (response.status !== status) throw new Error(`${what} answered ${response.status}: ${JSON.stringify(response.body)}`);
}

async function seal(userKey: Uint8Array, keyVersion: number, i: number) {
  const uuid = randomUUID();
  const [username, password] = await Promise.all([
    encryptField(userKey, keyVersion, uuid, 'username', `user${i}@example.com`),
    encryptField(userKey, keyVersion, uuid, 'password', `pw-${i}-${randomUUID()}`),
  ]);
  return { uuid, url: `https://site${i}.example.com/login`, folder: 'Imported', username, password };
}

async function load(label: string, url: string, headers?: Record<string, string>): Promise<AutocannonResult> {
  const result = await autocannon({ url, connections, duration: durationSeconds, ...(headers ? { headers } : {}) });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0 || result['2xx'] === 0) {
    throw new Error(`${label}: ${result['2xx']} 2xx, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return result;
}

async function main(): Promise<void> {
  // Production's defaults for what costs per request: info-level logging, no response validation.
  const t: TestApp = await startTestApp({ env: { LOG_LEVEL: 'info', VALIDATE_RESPONSES: 'false' } });
  try {
    const { user, session } = await registerAndLogin(t);
    const bearer = { Authorization: `Bearer ${session.accessToken}` };

    const importStarted = performance.now();
    for (let offset = 0; offset < accountCount; offset += batchSize) {
      const accounts = await Promise.all(
        Array.from({ length: batchSize }, (_, i) => seal(user.userKey, user.keyVersion, offset + i)),
      );
      expectStatus(await t.api.post('/api/v1/accounts/bulk').set(bearer).send({ accounts }), 201, 'bulk import');
    }
    const importMs = performance.now() - importStarted;

    const fullStarted = performance.now();
    const full = await t.api.get('/api/v1/accounts').set(bearer);
    const fullMs = performance.now() - fullStarted;
    expectStatus(full, 200, 'full list');
    const { accounts, cursor } = full.body as ListAccountsResponse;
    if (accounts.length !== accountCount) throw new Error(`full list holds ${accounts.length} accounts, not ${accountCount}`);
    const deltaPath = `/api/v1/accounts?since=${encodeURIComponent(cursor)}`;
    const delta = await t.api.get(deltaPath).set(bearer);
    expectStatus(delta, 200, 'delta');
    const deltaBody = delta.body as ListAccountsResponse;
    if (deltaBody.accounts.length !== 0 || deltaBody.tombstones.length !== 0) {
      throw new Error(`the delta since the latest cursor is not empty: ${deltaBody.accounts.length} accounts`);
    }
    expectStatus(await t.api.get('/api/v1/me').set(bearer), 200, 'me');
    t.logs.clear();

    // Warm-up, then the three in turn; the log capture is emptied between runs.
    await autocannon({ url: `${t.baseUrl}/healthz`, connections, duration: 1 });
    t.logs.clear();
    const runs: [string, AutocannonResult][] = [];
    runs.push(['GET /healthz (floor)', await load('healthz', `${t.baseUrl}/healthz`)]);
    t.logs.clear();
    runs.push(['GET /accounts?since=<latest>', await load('delta', `${t.baseUrl}${deltaPath}`, bearer)]);
    t.logs.clear();
    runs.push(['GET /me', await load('me', `${t.baseUrl}/api/v1/me`, bearer)]);
    t.logs.clear();

    const floor = runs[0]![1].requests.average;
    const sizeKiB = Buffer.byteLength(JSON.stringify(full.body as { accounts: Account[] })) / 1024;
    console.log(`api load: real app, SQLite (${t.database.dialect}), one user with ${accountCount.toLocaleString('en')} accounts, loopback`);
    console.log(`  bulk import            ${accountCount.toLocaleString('en')} accounts in ${accountCount / batchSize} calls: ${importMs.toFixed(0)} ms (encryption included)`);
    console.log(`  full list (once)       ${fullMs.toFixed(0)} ms, ${sizeKiB.toFixed(0)} KiB`);
    console.log(`  autocannon             ${connections} connections × ${durationSeconds} s each, same process as the server`);
    for (const [label, result] of runs) {
      const rps = result.requests.average;
      console.log(
        `  ${label.padEnd(30)} ${rps.toFixed(0).padStart(6)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  ` +
          `${(floor / rps).toFixed(2)}× the floor's time (${result.requests.total.toLocaleString('en')} requests)`,
      );
    }
  } finally {
    await t.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

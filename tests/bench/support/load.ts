// Load generators and the floor every API bench compares with.
// - autocannon (a root devDependency without bundled types: the part of it used here), for routes
//   where every request is the same;
// - a closed-loop client for requests that depend on the previous answer (refresh rotation), run
//   against the floor too, so both sides pay the same client cost;
// - the floor: a bare Node `http` server answering a small JSON body, in its own process.
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';

export interface AutocannonResult {
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
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}) => Promise<AutocannonResult>;
const autocannon = createRequire(__filename)('autocannon') as Autocannon;

export interface LoadOptions {
  connections: number;
  durationSeconds: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: unknown;
}

export interface LoadResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
  errors: number;
}

/** Runs autocannon; throws unless every answer was a 2xx (a fast error page is not a result). */
export async function loadRoute(label: string, url: string, options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.durationSeconds,
    ...(options.method ? { method: options.method } : {}),
    headers: { ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const errors = result.non2xx + result.errors + result.timeouts;
  if (errors > 0 || result['2xx'] === 0) {
    throw new Error(`${label}: ${result['2xx']} 2xx, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return { rps: result.requests.average, p50Ms: result.latency.p50, p99Ms: result.latency.p99, total: result.requests.total, errors };
}

export interface FloorServer {
  url: string;
  stop(): Promise<void>;
}

// The least an HTTP JSON API can do on this machine: parse the request, answer a small JSON body.
// It reads and discards request bodies, so POST loads can use it too.
const floorSource = `
const http = require('node:http');
const body = JSON.stringify({ ok: true, user: { id: '00000000-0000-4000-8000-000000000000', role: 'editor' } });
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write('listening ' + server.address().port + '\\n'));
`;

export async function startFloorServer(): Promise<FloorServer> {
  const child = spawn(process.execPath, ['-e', floorSource], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`the floor server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface ClosedLoopResult extends LoadResult {
  /** Requests per worker whose next request could not be made (an error answer). */
  failures: number;
}

/**
 * `workers` clients, each on its own keep-alive socket, each sending its next request only after
 * its previous answer: `next(worker, previousBody)` builds the request body (null stops the worker).
 */
export async function runClosedLoop(
  url: string,
  workers: number,
  durationSeconds: number,
  next: (worker: number, previous: unknown) => unknown,
): Promise<ClosedLoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: workers });
  const target = new URL(url);
  const latencies: number[] = [];
  let failures = 0;
  const deadline = performance.now() + durationSeconds * 1000;
  const send = (payload: unknown) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const data = JSON.stringify(payload);
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      let previous: unknown = null;
      while (performance.now() < deadline) {
        const payload = next(worker, previous);
        if (payload === null) return;
        const sentAt = performance.now();
        const answer = await send(payload);
        latencies.push(performance.now() - sentAt);
        if (answer.status < 200 || answer.status >= 300) {
          failures += 1;
          return;
        }
        previous = JSON.parse(answer.body);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    rps: latencies.length / elapsed,
    p50Ms: Number(at(0.5).toFixed(1)),
    p99Ms: Number(at(0.99).toFixed(1)),
    total: latencies.length,
    errors: failures,
    failures,
  };
}

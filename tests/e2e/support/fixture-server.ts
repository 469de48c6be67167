// Serves tests/e2e/fixtures over plain HTTP on loopback. Chromium maps every *.test host name to
// 127.0.0.1 (--host-resolver-rules), so one server is reached as login.test, evil.test, … and the
// pages see real, distinct origins. `?delay=` and POST targets make SPA and submit flows testable.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const fixturesDir = path.join(__dirname, '..', 'fixtures');

export interface FixtureServer {
  port: number;
  /** `url('login.test', '/login.html')` → http://login.test:PORT/login.html */
  url(host: string, pathname: string): string;
  /** Bodies of form posts received, newest last. */
  posts: { host: string; path: string; body: string }[];
  stop(): Promise<void>;
}

export async function startFixtureServer(): Promise<FixtureServer> {
  const posts: FixtureServer['posts'] = [];
  const server: Server = createServer((req, res) => {
    const requestUrl = new URL(req.url ?? '/', 'http://localhost');
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (req.method === 'POST') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        posts.push({ host, path: requestUrl.pathname, body });
        const next = requestUrl.searchParams.get('next') ?? '/welcome.html';
        res.writeHead(303, { location: next });
        res.end();
      });
      return;
    }
    const name = path.normalize(requestUrl.pathname).replace(/^(\.\.[/\\])+/, '');
    const file = path.join(fixturesDir, name === '/' ? 'index.html' : name);
    if (!file.startsWith(fixturesDir)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file)
      .then((content) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(content);
      })
      .catch(() => {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    posts,
    url: (host, pathname) => `http://${host}:${port}${pathname}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

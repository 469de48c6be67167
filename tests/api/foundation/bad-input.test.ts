// Bad input below the routes' own validation: compressed bodies that do not decompress, charsets
// other than UTF-8, broken percent-encoding in paths, lone surrogates, and requests Node's HTTP
// parser refuses. Each gets its status and the error shape — never a 500 — and changes nothing.
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { apiRoutes, errorBodySchema } from '@secureaccess/shared/contract';
import { fullPath } from '@secureaccess/server';
import { startTestApp, type TestApp } from '../../helpers/app';
import { authed, registerAndLogin } from '../../helpers/auth';

function expectErrorShape(response: { status: number; body: unknown }, status: number, code: string): void {
  expect({ status: response.status, code: errorBodySchema.safeParse(response.body).data?.error.code }).toEqual({ status, code });
  expect(JSON.stringify(response.body)).not.toMatch(/\bat .*\.(ts|js):\d+/);
}

/** Writes raw bytes on a fresh connection and reads until the server closes it (or 3 s pass). */
function rawRequest(baseUrl: string, bytes: string | Buffer): Promise<{ status: number; headers: string; body: string }> {
  const { port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let data = '';
    const done = () => {
      clearTimeout(timer);
      const [head = '', ...rest] = data.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head, body: rest.join('\r\n\r\n') });
    };
    const timer = setTimeout(() => {
      socket.destroy();
      done();
    }, 3000);
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
    });
    socket.on('end', done);
    socket.on('error', (error) => (data ? done() : reject(error)));
    socket.write(bytes);
  });
}

/** Sends `body` byte for byte (supertest re-serialises Buffers sent as JSON). */
function sendBytes(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer | string,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const call = httpRequest(`${baseUrl}${path}`, { method, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as unknown }));
    });
    call.on('error', reject);
    call.end(body);
  });
}

describe('bad input below the contract', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const prelogin = JSON.stringify({ email: 'someone@example.com' });
  const garbage = Buffer.from('this is not a compressed stream at all, just bytes');
  const gzipped = gzipSync(prelogin);

  describe('compressed bodies', () => {
    test.each([
      ['gzip', garbage],
      ['deflate', garbage],
      ['br', garbage],
      ['gzip', gzipped.subarray(0, gzipped.length - 12)], // truncated
    ])('when a %s body does not decompress, then 400 malformed_body on a public route and on /healthz', async (encoding, body) => {
      for (const [method, url] of [
        ['POST', '/api/v1/auth/prelogin'],
        ['GET', '/healthz'],
      ] as const) {
        const response = await sendBytes(t.baseUrl, method, url, { 'content-type': 'application/json', 'content-encoding': encoding }, body);

        expectErrorShape(response, 400, 'malformed_body');
      }
    });

    test.each([
      ['gzip', gzipSync(prelogin)],
      ['deflate', deflateSync(prelogin)],
      ['br', brotliCompressSync(prelogin)],
    ])('when a %s body decompresses to valid JSON, then it is accepted', async (encoding, body) => {
      const response = await sendBytes(t.baseUrl, 'POST', '/api/v1/auth/prelogin', { 'content-type': 'application/json', 'content-encoding': encoding }, body);

      expect([response.status, (response.body as { error?: unknown }).error]).toEqual([200, undefined]);
    });

    test.each(['compress', 'zstd', 'x-custom', 'gzip, gzip'])(
      'when the content encoding is %s, then 415 unsupported_media_type',
      async (encoding) => {
        const response = await sendBytes(t.baseUrl, 'POST', '/api/v1/auth/prelogin', { 'content-type': 'application/json', 'content-encoding': encoding }, garbage);

        expectErrorShape(response, 415, 'unsupported_media_type');
      },
    );
  });

  describe('charsets', () => {
    test.each(['utf-7', 'UTF-16', 'utf-16le', 'utf-32', 'iso-8859-1', 'latin1', 'nonsense'])(
      'when the body is declared charset=%s, then 415 unsupported_media_type',
      async (charset) => {
        const response = await t.api
          .post('/api/v1/auth/prelogin')
          .set('Content-Type', `application/json; charset=${charset}`)
          .send(prelogin);

        expectErrorShape(response, 415, 'unsupported_media_type');
      },
    );

    test.each(['utf-8', 'UTF-8', '"utf-8"'])('when the body is declared charset=%s, then it is accepted', async (charset) => {
      const response = await t.api
        .post('/api/v1/auth/prelogin')
        .set('Content-Type', `application/json; charset=${charset}`)
        .send(prelogin);

      expect(response.status).toBe(200);
    });
  });

  describe('percent-encoding in path parameters', () => {
    const routesWithParams = apiRoutes.filter((route) => route.path.includes(':'));
    const badSegments = ['%E0%A4%A', '%', '%FF', '%C0%AF', '%ED%A0%80'];

    test('the contract has the nine routes with path parameters this covers', () => {
      expect(routesWithParams.length).toBeGreaterThanOrEqual(9);
    });

    test.each(badSegments)('when a path parameter is %s, then every such route answers 400 malformed_path', async (segment) => {
      for (const route of routesWithParams) {
        const url = fullPath(route).replace(/:[A-Za-z0-9_]+/g, segment);
        const response = await t.api[route.method](url);

        expect([`${route.method} ${route.path}`, response.status, response.body?.error?.code]).toEqual([
          `${route.method} ${route.path}`,
          400,
          'malformed_path',
        ]);
      }
    });
  });

  describe('lone surrogates', () => {
    test('when a text field carries a lone surrogate, then 400 validation_failed and nothing is stored', async () => {
      const { session } = await registerAndLogin(t);
      const as = authed(t.api, session.accessToken);
      const before = await as.get('/api/v1/me');
      const preferences = (await as.get('/api/v1/me/preferences')).body.preferences;
      const applications = await t.db.models.Application.count();
      const audits = await t.db.models.AuditLog.count();

      const responses = [
        await as.patch('/api/v1/me').send({ lastName: 'a\ud800b' }),
        await as.patch('/api/v1/me').send({ firstName: '\udfff' }),
        await as
          .put('/api/v1/me/preferences')
          .send({ ...preferences, generator: { ...preferences.generator, separator: '\ud83d' } }),
        await as.post('/api/v1/applications').send({
          name: 'Bank \ud800',
          url: 'https://bank.example',
          matchPatterns: ['bank.example'],
        }),
      ];

      for (const response of responses) {
        expectErrorShape(response, 400, 'validation_failed');
        expect(JSON.stringify(response.body.error.details)).toContain('well-formed Unicode');
      }
      expect((await as.get('/api/v1/me')).body).toEqual(before.body);
      expect((await as.get('/api/v1/me/preferences')).body.preferences).toEqual(preferences);
      expect(await t.db.models.Application.count()).toBe(applications);
      expect(await t.db.models.AuditLog.count()).toBe(audits);
    });

    test('when text carries a surrogate pair (an emoji), then it is stored as sent', async () => {
      const { session } = await registerAndLogin(t);
      const as = authed(t.api, session.accessToken);

      const response = await as.patch('/api/v1/me').send({ lastName: 'Zoë \ud83d\ude00' });

      expect(response.status).toBe(200);
      expect((await as.get('/api/v1/me')).body.user.lastName).toBe('Zoë 😀');
    });
  });

  describe('requests Node refuses before Express (clientError)', () => {
    const host = 'Host: 127.0.0.1\r\n';
    const post = (headers: string, body: string) =>
      `POST /api/v1/auth/prelogin HTTP/1.1\r\n${headers}Content-Type: application/json\r\n\r\n${body}`;

    test.each([
      ['bad chunking', post(`${host}Transfer-Encoding: chunked\r\n`, `zz\r\n${prelogin}\r\n0\r\n\r\n`), 400, 'bad_request'],
      ['a duplicate Content-Length', post(`${host}Content-Length: 10\r\nContent-Length: 12\r\n`, prelogin), 400, 'bad_request'],
      [
        'both Transfer-Encoding and Content-Length',
        post(`${host}Transfer-Encoding: chunked\r\nContent-Length: 5\r\n`, `${prelogin.length.toString(16)}\r\n${prelogin}\r\n0\r\n\r\n`),
        400,
        'bad_request',
      ],
      ['no Host header', `GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n`, 400, 'bad_request'],
      ['a control byte in a header', `GET /healthz HTTP/1.1\r\n${host}X-Note: a\u0001b\r\n\r\n`, 400, 'bad_request'],
      ['headers over 16 KB', `GET /healthz HTTP/1.1\r\n${host}X-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`, 431, 'headers_too_large'],
      ['a URL over 16 KB', `GET /healthz?${'a'.repeat(17 * 1024)} HTTP/1.1\r\n${host}\r\n`, 431, 'headers_too_large'],
      ['a malformed request line', `GET  /healthz HTTP/9.9\r\n${host}\r\n`, 400, 'bad_request'],
    ])('when a request has %s, then its status and the JSON error shape', async (_label, bytes, status, code) => {
      const response = await rawRequest(t.baseUrl, bytes);

      expect(response.status).toBe(status);
      expect(response.headers).toMatch(/content-type: application\/json/i);
      expect(errorBodySchema.parse(JSON.parse(response.body)).error.code).toBe(code);
    });

    test('when a request is well formed on the same raw socket path, then it is answered normally', async () => {
      const response = await rawRequest(t.baseUrl, `GET /healthz HTTP/1.1\r\n${host}Connection: close\r\n\r\n`);

      expect(response.status).toBe(200);
    });
  });
});

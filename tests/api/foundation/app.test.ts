import { apiRoutes, defineRoute, errorBodySchema } from '@secureaccess/shared/contract';
import { AppError, components, mountRoute, type Component } from '@secureaccess/server';
import { z } from 'zod';
import { startTestApp, type TestApp } from '../../helpers/app';

// A component defined here exercises mountRoute exactly as the business components use it.
const echoRoute = defineRoute({
  method: 'post',
  path: '/test/echo/:name',
  summary: 'test only',
  auth: 'none',
  request: {
    params: z.object({ name: z.string().regex(/^[a-z]+$/) }).strict(),
    body: z
      .object({
        count: z.number().int().min(1),
        authHash: z.string().optional(),
        password: z.string().optional(),
        nested: z.object({ refreshToken: z.string() }).strict().optional(),
      })
      .strict(),
  },
  responses: { 201: z.object({ name: z.string(), count: z.number() }).strict() },
});
const failRoute = defineRoute({
  method: 'get',
  path: '/test/fail',
  summary: 'test only',
  auth: 'none',
  request: { query: z.object({ kind: z.enum(['crash', 'conflict', 'contract', 'sql', 'deadlock']) }).strict() },
  responses: { 200: z.object({ ok: z.literal(true) }).strict() },
});

const testComponent: Component = {
  name: 'test',
  registerRoutes(router, { db }) {
    mountRoute(router, echoRoute, (input, { log }) => {
      log.info({ body: input.body }, 'echo received');
      return { status: 201, body: { name: input.params.name, count: input.body.count } };
    });
    mountRoute(router, failRoute, async (input) => {
      if (input.query.kind === 'conflict') throw new AppError('revision_conflict', 409, 'Stale revision');
      if (input.query.kind === 'contract') return { status: 200, body: { ok: 'yes' } as never };
      if (input.query.kind === 'sql') {
        // A real failing statement: Sequelize's error carries the SQL and its bound values.
        await db.sequelize.query("SELECT * FROM no_such_table WHERE token_hash = ? AND note = 'SECRET-LITERAL'", {
          replacements: ['SECRET-BOUND-VALUE'],
        });
      }
      if (input.query.kind === 'deadlock') {
        // What Sequelize raises for mysql2's deadlock victim (its DatabaseError: name, parent, sql).
        const parent = Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), { code: 'ER_LOCK_DEADLOCK' });
        throw Object.assign(new Error(parent.message), { name: 'SequelizeDatabaseError', parent, original: parent, sql: 'UPDATE t SET v = 1' });
      }
      throw new Error('database exploded at /srv/secret/path');
    });
  },
};

describe('app skeleton', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ components: [...components, testComponent] });
  });
  afterAll(async () => {
    await t.close();
  });

  function expectErrorShape(response: { body: unknown; headers: Record<string, string> }, code: string) {
    expect(errorBodySchema.parse(response.body).error.code).toBe(code);
    expect((response.body as { error: { requestId: string } }).error.requestId).toBe(response.headers['x-request-id']);
    expect(JSON.stringify(response.body)).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack frames
  }

  test('when /healthz is called, then it answers ok with a request id', async () => {
    const response = await t.api.get('/healthz');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  test('when /readyz is called with the database up, then it answers ready', async () => {
    const response = await t.api.get('/readyz');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ready', database: 'up' });
  });

  test('when the body is malformed JSON, then 400 malformed_json in the error shape', async () => {
    const response = await t.api.post('/api/v1/test/echo/ada').set('Content-Type', 'application/json').send('{"count": 1,');

    expect(response.status).toBe(400);
    expectErrorShape(response, 'malformed_json');
  });

  test('when the body exceeds the limit, then 413 payload_too_large', async () => {
    const big = JSON.stringify({ count: 1, password: 'x'.repeat(t.config.jsonBodyLimitBytes) });

    const response = await t.api.post('/api/v1/test/echo/ada').set('Content-Type', 'application/json').send(big);

    expect(response.status).toBe(413);
    expectErrorShape(response, 'payload_too_large');
  });

  test('when the body is not JSON, then 415 unsupported_media_type', async () => {
    const response = await t.api.post('/api/v1/test/echo/ada').set('Content-Type', 'text/plain').send('count=1');

    expect(response.status).toBe(415);
    expectErrorShape(response, 'unsupported_media_type');
  });

  test('when the route does not exist, then 404 not_found in the error shape', async () => {
    const response = await t.api.get('/api/v1/no/such/route');

    expect(response.status).toBe(404);
    expectErrorShape(response, 'not_found');
  });

  test('when a known path is called with another method, then 405 with Allow', async () => {
    const response = await t.api.delete('/healthz');

    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD');
    expectErrorShape(response, 'method_not_allowed');
  });

  test('when the body is valid, then the handler answers with its status and body', async () => {
    const response = await t.api.post('/api/v1/test/echo/ada').send({ count: 2 });

    expect(response.status).toBe(201);
    expect(response.body).toEqual({ name: 'ada', count: 2 });
  });

  test('when the body has an unknown field or bad params, then 400 validation_failed names every field', async () => {
    const response = await t.api.post('/api/v1/test/echo/Ada1').send({ count: 0, admin: true });

    expect(response.status).toBe(400);
    expectErrorShape(response, 'validation_failed');
    const fields = response.body.error.details.fields as { location: string; path: string; code: string }[];
    expect(fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ location: 'params', path: 'name' }),
        expect.objectContaining({ location: 'body', path: 'count', code: 'too_small' }),
        expect.objectContaining({ location: 'body', code: 'unrecognized_keys' }),
      ]),
    );
  });

  test('when a query has an unknown parameter, then 400 validation_failed', async () => {
    const response = await t.api.get('/api/v1/test/fail?kind=conflict&debug=1');

    expect(response.status).toBe(400);
    expectErrorShape(response, 'validation_failed');
  });

  test('when a handler throws an AppError, then its status, code and message are answered', async () => {
    const response = await t.api.get('/api/v1/test/fail?kind=conflict');

    expect(response.status).toBe(409);
    expectErrorShape(response, 'revision_conflict');
    expect(response.body.error.message).toBe('Stale revision');
  });

  test('when a handler throws anything else, then 500 internal_error with the request id, no stack and no message', async () => {
    t.logs.clear();

    const response = await t.api.get('/api/v1/test/fail?kind=crash');

    expect(response.status).toBe(500);
    expectErrorShape(response, 'internal_error');
    expect(JSON.stringify(response.body)).not.toContain('exploded');
    const logged = t.logs.records().find((r) => r.msg === 'request failed');
    expect(logged?.requestId).toBe(response.body.error.requestId);
    expect(JSON.stringify(logged)).toContain('database exploded');
  });

  test('when a query fails, then 500 and the log keeps the error and stack but no SQL, bound values or quoted literals', async () => {
    t.logs.clear();

    const response = await t.api.get('/api/v1/test/fail?kind=sql');

    expect(response.status).toBe(500);
    expectErrorShape(response, 'internal_error');
    const logged = t.logs.records().find((r) => r.msg === 'request failed');
    expect(logged?.requestId).toBe(response.body.error.requestId);
    expect(JSON.stringify(logged)).toMatch(/no_such_table|doesn't exist/);
    expect(JSON.stringify(logged)).toContain('at ');
    expect(JSON.stringify(t.logs.records())).not.toMatch(/SECRET-BOUND-VALUE|SECRET-LITERAL|token_hash = /);
  });

  test('when a transaction is still deadlocked after its re-runs, then 503 database_unavailable with Retry-After, not 500', async () => {
    const response = await t.api.get('/api/v1/test/fail?kind=deadlock');

    expect(response.status).toBe(503);
    expectErrorShape(response, 'database_unavailable');
    expect(response.headers['retry-after']).toBe('5');
  });

  test('when a handler answers a body its contract refuses, then 500 (responses are checked in tests)', async () => {
    const response = await t.api.get('/api/v1/test/fail?kind=contract');

    expect(response.status).toBe(500);
    expectErrorShape(response, 'internal_error');
  });

  test('when requests carry tokens and secrets, then no log line contains them', async () => {
    t.logs.clear();

    const response = await t.api
      .post('/api/v1/test/echo/ada')
      .set('Authorization', 'Bearer eyJhbGciOiJIUzI1NiJ9.SECRET-ACCESS-TOKEN')
      .set('Cookie', 'session=SECRET-COOKIE')
      .send({ count: 1, authHash: 'SECRET-AUTH-HASH', password: 'SECRET-PASSWORD', nested: { refreshToken: 'SECRET-REFRESH' } });

    expect(response.status).toBe(201);
    const text = t.logs.text();
    expect(text).toContain('echo received'); // the handler did log the body…
    expect(text).toContain('[redacted]'); // …with its secrets censored
    expect(text).not.toMatch(/SECRET-/);
  });

  test('when a client sends its own request id, then it is echoed in the response', async () => {
    const response = await t.api.get('/healthz').set('X-Request-Id', 'lb-1234567890');

    expect(response.headers['x-request-id']).toBe('lb-1234567890');
  });

  test('when /api/v1/openapi.json is fetched, then it is OpenAPI 3.1 with every contract route', async () => {
    const response = await t.api.get('/api/v1/openapi.json');

    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    for (const route of apiRoutes) {
      const path = (route.root ? route.path : `/api/v1${route.path}`).replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      expect(response.body.paths[path]?.[route.method]?.summary).toBe(route.summary);
    }
  });
});

describe('mountRoute at startup', () => {
  test('when a Bearer route is mounted and no component provides an authenticator, then createApp refuses to build', async () => {
    const bearerRoute = defineRoute({
      method: 'get',
      path: '/test/private',
      summary: 'test only',
      auth: 'bearer',
      responses: { 204: null },
    });
    const component: Component = {
      name: 'private',
      registerRoutes: (router) => mountRoute(router, bearerRoute, () => ({ status: 204 })),
    };

    await expect(startTestApp({ components: [component] })).rejects.toThrow(
      'GET /api/v1/test/private needs a Bearer token, but no authenticator is configured',
    );
  });
});

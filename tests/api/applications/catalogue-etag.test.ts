// Freshness of the catalogue (issue 10, DESIGN §8): GET /applications carries a strong ETag made
// of the catalogue's revision, answers a conditional request with 304 while nothing changed, and
// the ETag moves with every change — create, each kind of edit, delete — whichever API process
// made it (a real second server process on the same database). The match route takes the page
// URL in a POST body, never in the query string.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Application } from '@secureaccess/shared/contract';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../helpers/app';
import { authed, loginUser, registerAndLogin } from '../../helpers/auth';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { spawnServer, type ServerProcess } from '../../helpers/process';
import { expectStatus, worldEnv } from '../vault/vault-world';

let testDb: TestDatabase;
let t: TestApp;
let other: ServerProcess;
let otherDataDir: string | undefined;
/** The admin, on the in-process app. */
let admin: ReturnType<typeof authed>;
/** A reader of the catalogue, on the in-process app. */
let reader: ReturnType<typeof authed>;

beforeAll(async () => {
  testDb = await createTestDatabase();
  t = await startTestApp({ database: testDb, env: worldEnv });
  admin = authed(t.api, (await registerAndLogin(t, { firstName: 'Ada' })).session.accessToken);
  reader = authed(t.api, (await registerAndLogin(t, { firstName: 'Rita' })).session.accessToken);
  // Another API process on the same database (its own secrets; it authenticates its own logins).
  if (testDb.dialect === 'mysql') {
    otherDataDir = await mkdtemp(path.join(tmpdir(), 'sa-etag-'));
    other = spawnServer({ DATABASE_URL: testDb.url!, DATA_DIR: otherDataDir, PORT: '0', ...worldEnv });
  } else {
    other = spawnServer({ DATA_DIR: path.dirname(testDb.sqlitePath!), PORT: '0', ...worldEnv });
  }
  await other.listening();
}, 120_000);
afterAll(async () => {
  other?.child.kill('SIGTERM');
  await other?.exited;
  await t?.close();
  await testDb?.drop();
  if (otherDataDir) await rm(otherDataDir, { recursive: true, force: true });
});

let counter = 0;
const uniqueHost = () => `etag${(counter += 1)}-${Date.now().toString(36)}.example`;

async function currentEtag(): Promise<string> {
  const response = expectStatus(await reader.get('/api/v1/applications'), 200);
  return response.headers.etag as string;
}

const conditional = (etag: string) => reader.get('/api/v1/applications').set('If-None-Match', etag);

async function addApplication(): Promise<Application> {
  return expectStatus(await admin.post('/api/v1/applications').send({ name: 'Etag app', url: `https://${uniqueHost()}` }), 201).body
    .application as Application;
}

describe('GET /applications with an ETag', () => {
  test('when the catalogue is listed, then the answer carries a strong ETag of its revision and must be revalidated before reuse', async () => {
    const response = expectStatus(await reader.get('/api/v1/applications'), 200);

    expect(response.headers.etag).toBe(`"catalogue-${response.body.revision}"`);
    expect(response.headers['cache-control']).toBe('private, no-cache');
    expect(Array.isArray(response.body.applications)).toBe(true);
  });

  test('when the client sends the current ETag, then the answer is 304 with no body and the same ETag', async () => {
    const etag = await currentEtag();

    for (const header of [etag, `W/${etag}`, `"catalogue-0", ${etag}`, '*']) {
      const response = await conditional(header);
      expect(response.status).toBe(304);
      expect(response.text ?? '').toBe('');
      expect(response.headers.etag).toBe(etag);
    }
  });

  test('when the client sends an old or malformed ETag, then it gets the whole catalogue', async () => {
    for (const header of ['"catalogue-0"', 'garbage', '""']) {
      const response = await conditional(header);
      expect(response.status).toBe(200);
      expect(response.body.applications).toBeDefined();
    }
  });

  test('when an application is created, edited in any way, or deleted, then the ETag changes each time and the old one gets 200', async () => {
    const seen = [await currentEtag()];
    const application = await addApplication();
    seen.push(await currentEtag());
    const edits = [
      { access: 'declined' },
      { access: 'granted' },
      { isActive: false },
      { accessDeclinedValue: 'Blocked by IT' },
      { accessGrantedValue: 'Approved' },
      { name: 'Renamed' },
      { matchStrategy: 'host' },
    ];
    for (const edit of edits) {
      expectStatus(await admin.patch(`/api/v1/applications/${application.id}`).send(edit), 200);
      seen.push(await currentEtag());
    }
    expectStatus(await admin.delete(`/api/v1/applications/${application.id}`), 204);
    seen.push(await currentEtag());

    expect(new Set(seen).size).toBe(seen.length);
    const stale = await conditional(seen[seen.length - 2]!);
    expect(stale.status).toBe(200);
    expect(stale.body.applications.map((a: Application) => a.id)).not.toContain(application.id);
  });

  test('when an edit changes nothing, then the ETag stays (no needless refetch)', async () => {
    const application = await addApplication();
    const before = await currentEtag();

    expectStatus(await admin.patch(`/api/v1/applications/${application.id}`).send({ access: application.access }), 200);

    expect((await conditional(before)).status).toBe(304);
  });

  test('when another API process declines an application, then this process answers the old ETag with the new catalogue', async () => {
    const otherApi = request(await other.listening());
    const { user } = await registerAndLogin({ api: otherApi }, { firstName: 'Other' });
    // Made admin as an admin would (the role column), then logged in on the other process.
    await t.db.models.User.update({ role: 'admin' }, { where: { uuid: user.id } });
    const elsewhere = authed(otherApi, (await loginUser({ api: otherApi }, user)).accessToken);
    const created = expectStatus(await elsewhere.post('/api/v1/applications').send({ name: 'From elsewhere', url: `https://${uniqueHost()}` }), 201)
      .body.application as Application;
    const etag = await currentEtag();
    expect((await conditional(etag)).status).toBe(304);

    expectStatus(await elsewhere.patch(`/api/v1/applications/${created.id}`).send({ access: 'declined' }), 200);
    const response = await conditional(etag);

    expect(response.status).toBe(200);
    expect(response.headers.etag).not.toBe(etag);
    expect(response.body.applications.find((a: Application) => a.id === created.id)).toMatchObject({ access: 'declined' });
  });
});

describe('POST /applications/match', () => {
  test('when the page URL is sent in the body, then it is matched; the old query-string form is not a route any more', async () => {
    const application = await addApplication();
    const url = `${application.url}/login?session=secret`;

    const response = expectStatus(await reader.post('/api/v1/applications/match').send({ url }), 200);
    const old = await reader.get(`/api/v1/applications/match?url=${encodeURIComponent(url)}`);

    expect(response.body.matches[0].application.id).toBe(application.id);
    expect(old.status).toBe(405);
  });

  test('when the body has no URL or unknown fields, then it is a 400 validation error', async () => {
    for (const body of [{}, { url: '' }, { url: 'https://x.example', extra: 1 }]) {
      const response = await reader.post('/api/v1/applications/match').send(body);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('validation_failed');
    }
  });
});

// Reading the audit log (DESIGN §7 `GET /admin/audit`, `GET /audit`): filters by user, action,
// target, outcome and time; newest first with cursor pagination; a CSV export of the same entries;
// and each user's own slice of it.
import type { AuditEntry, AuditPageResponse } from '@secureaccess/shared/contract';
import { sealAccount } from '../vault/vault-fixtures';
import { expectStatus, startVaultWorld, type Member, type VaultWorld } from '../vault/vault-world';

let world: VaultWorld;
let alice: Member;
let bob: Member;
let aliceAccount: string;
let declinedAccount: string;
let midpoint: Date;
const hourMs = 60 * 60 * 1000;
const trickyAgent = '=HYPERLINK("http://evil.example","click"), really';

beforeAll(async () => {
  // The clock moves by hours here: access tokens must outlive that.
  world = await startVaultWorld({ env: { ACCESS_TOKEN_TTL_SECONDS: String(24 * 60 * 60) } });
  alice = await world.member('editor', 'Alice');
  bob = await world.member('reader', 'Bob');
  const body = await sealAccount(alice.key);
  expectStatus(await alice.api.post('/api/v1/accounts').set('User-Agent', trickyAgent).send(body), 201);
  aliceAccount = body.uuid;
  world.t.clock.advance(hourMs);
  midpoint = world.t.clock.now();
  world.t.clock.advance(hourMs);
  // A refused `used`: an account on a declined application.
  const application = expectStatus(await world.admin.api.post('/api/v1/applications').send({ name: 'Blocked', url: 'https://blocked.audit.example' }), 201)
    .body.application.id as string;
  const linked = await sealAccount(alice.key, { applicationId: application });
  expectStatus(await alice.api.post('/api/v1/accounts').send(linked), 201);
  declinedAccount = linked.uuid;
  expectStatus(await world.admin.api.patch(`/api/v1/applications/${application}`).send({ access: 'declined' }), 200);
  expect((await alice.api.post(`/api/v1/accounts/${declinedAccount}/used`).send({})).status).toBe(403);
  expectStatus(await bob.api.post('/api/v1/applications/match').send({ url: 'https://blocked.audit.example/' }), 200);
});
afterAll(async () => {
  await world.close();
});

async function page(query: string, as: Member = world.admin, path = '/api/v1/admin/audit'): Promise<AuditPageResponse> {
  return expectStatus(await as.api.get(`${path}?${query}`), 200).body as AuditPageResponse;
}

async function allPages(query: string, as: Member = world.admin, path?: string): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  let cursor: string | null = null;
  do {
    const result: AuditPageResponse = await page(`${query}&limit=3${cursor ? `&cursor=${cursor}` : ''}`, as, path);
    expect(result.entries.length).toBeLessThanOrEqual(3);
    entries.push(...result.entries);
    cursor = result.nextCursor;
  } while (cursor);
  return entries;
}

const dbRows = (where: Record<string, unknown>) => world.t.db.models.AuditLog.findAll({ where, order: [['id', 'DESC']] });

describe('admin audit log', () => {
  test('when filtered by user, then only that user\'s entries come back, newest first, across every page', async () => {
    const entries = await allPages(`userId=${alice.user.id}`);

    const expected = await dbRows({ userUuid: alice.user.id });
    expect(entries.map((e) => e.id)).toEqual(expected.map((r) => Number(r.id)));
    expect(entries.every((e) => e.userId === alice.user.id)).toBe(true);
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['auth.login', 'account.create', 'account.credential_used']));
  });

  test('when filtered by action and outcome, then the refused credential use is found with the value it reported', async () => {
    const { entries } = await page('action=account.credential_used&success=false');

    expect(entries).toEqual([
      expect.objectContaining({
        userId: alice.user.id,
        targetType: 'account',
        targetId: declinedAccount,
        success: false,
        details: { access: expect.objectContaining({ value: 'declined', allowed: false }) },
      }),
    ]);
  });

  test('when filtered by target, then only entries about that account come back', async () => {
    const { entries } = await page(`targetType=account&targetId=${aliceAccount}`);

    expect(entries.map((e) => e.action)).toEqual(['account.create']);
    expect(entries[0]!.userAgent).toBe(trickyAgent);
  });

  test('when filtered by a time range, then only entries inside it come back', async () => {
    const later = await allPages(`userId=${alice.user.id}&from=${midpoint.toISOString()}`);
    const earlier = await allPages(`userId=${alice.user.id}&to=${midpoint.toISOString()}`);

    expect(later.length).toBeGreaterThan(0);
    expect(earlier.length).toBeGreaterThan(0);
    expect(later.every((e) => new Date(e.createdAt) >= midpoint)).toBe(true);
    expect(earlier.every((e) => new Date(e.createdAt) <= midpoint)).toBe(true);
    expect(later.length + earlier.length).toBe((await dbRows({ userUuid: alice.user.id })).length);
  });

  test('when the whole log is paged through, then every row appears once, ids strictly decreasing', async () => {
    const entries = await allPages('');

    const ids = entries.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(await world.t.db.models.AuditLog.count());
  });

  test('when the cursor or a filter is malformed, then 400', async () => {
    expect((await world.admin.api.get('/api/v1/admin/audit?cursor=a1.0')).status).toBe(400);
    expect((await world.admin.api.get('/api/v1/admin/audit?cursor=bogus')).status).toBe(400);
    expect((await world.admin.api.get('/api/v1/admin/audit?from=yesterday')).status).toBe(400);
    expect((await world.admin.api.get('/api/v1/admin/audit?success=1')).status).toBe(400);
  });
});

describe('CSV export', () => {
  test('when an admin asks for text/csv, then every matching entry comes as one CSV row under a header', async () => {
    const response = await world.admin.api.get(`/api/v1/admin/audit?userId=${alice.user.id}`).set('Accept', 'text/csv').buffer(true);

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = response.text.split('\r\n').filter((line) => line.length > 0);
    expect(lines[0]).toBe('id,createdAt,userId,action,targetType,targetId,success,ip,userAgent,details');
    const expected = await dbRows({ userUuid: alice.user.id });
    expect(lines.slice(1).map((line) => Number(line.split(',')[0]))).toEqual(expected.map((r) => Number(r.id)));
  });

  test('when a field could run as a spreadsheet formula or holds quotes and commas, then it is neutralised and quoted', async () => {
    const response = await world.admin.api.get(`/api/v1/admin/audit?targetId=${aliceAccount}`).set('Accept', 'text/csv').buffer(true);

    const row = response.text.split('\r\n')[1]!;
    expect(row).toContain(`,"'=HYPERLINK(""http://evil.example"",""click""), really",`);
    expect(row).toContain(`,account.create,account,${aliceAccount},true,`);
  });

  test('when a non-admin asks for the export, then 403', async () => {
    const response = await alice.api.get('/api/v1/admin/audit').set('Accept', 'text/csv');

    expect(response.status).toBe(403);
  });
});

describe('own audit log', () => {
  test('when a user reads their own log, then they see their entries only, and filters apply', async () => {
    const own = await allPages('', bob, '/api/v1/audit');
    const matches = await page('action=application.match', bob, '/api/v1/audit');

    expect(own.length).toBe((await dbRows({ userUuid: bob.user.id })).length);
    expect(own.every((e) => e.userId === bob.user.id)).toBe(true);
    expect(matches.entries).toEqual([
      expect.objectContaining({ action: 'application.match', success: false, details: expect.objectContaining({ host: 'blocked.audit.example' }) }),
    ]);
  });

  test('when a user passes another user\'s id as a filter, then it is refused (the own log has no userId filter)', async () => {
    const response = await bob.api.get(`/api/v1/audit?userId=${alice.user.id}`);

    expect(response.status).toBe(400);
  });
});

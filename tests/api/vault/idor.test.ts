// Insecure direct object references (DESIGN §7: "no route lets anyone read or change another
// user's accounts"): every account and session route called by Mallory with Alice's ids answers
// 404 — exactly what an unknown id gets — and changes nothing: Alice's row, her vault's change
// sequence, her session and the audit log stay as they were.
import type { Account } from '@secureaccess/shared/contract';
import { sealAccount, sealUpdate } from './vault-fixtures';
import { expectStatus, startVaultWorld, type Member, type VaultWorld } from './vault-world';

let world: VaultWorld;
let alice: Member;
let mallory: Member;
let aliceAccount: Account;
let aliceTrashed: Account;
let aliceSessionId: string;
let applicationId: string;

beforeAll(async () => {
  world = await startVaultWorld();
  alice = await world.member('editor', 'Alice');
  // Mallory gets every right a role can give over accounts (admin): ownership must still hold.
  mallory = await world.member('admin', 'Mallory');
  applicationId = expectStatus(
    await world.admin.api.post('/api/v1/applications').send({ name: 'Bank', url: 'https://bank.example' }),
    201,
  ).body.application.id;
  const live = await sealAccount(alice.key, { applicationId, url: 'https://bank.example/login' });
  aliceAccount = expectStatus(await alice.api.post('/api/v1/accounts').send(live), 201).body.account;
  const trashed = await sealAccount(alice.key);
  aliceTrashed = expectStatus(await alice.api.post('/api/v1/accounts').send(trashed), 201).body.account;
  expectStatus(await alice.api.delete(`/api/v1/accounts/${aliceTrashed.uuid}`), 204);
  const sessions = expectStatus(await alice.api.get('/api/v1/sessions'), 200).body.sessions as { id: string; current: boolean }[];
  aliceSessionId = sessions.find((s) => s.current)!.id;
});
afterAll(async () => {
  await world.close();
});

/** Everything of Alice's that a route could touch, to compare before and after. */
async function aliceState() {
  const { models } = world.t.db;
  const user = await models.User.findOne({ where: { uuid: alice.user.id } });
  const accounts = await models.StoredAccount.findAll({ where: { userId: user!.id }, order: [['id', 'ASC']] });
  const session = await models.UserSession.findOne({ where: { uuid: aliceSessionId } });
  return {
    vaultChangeSeq: Number(user!.vaultChangeSeq),
    accounts: accounts.map((a) => a.toJSON()),
    tombstones: await models.StoredAccountTombstone.count({ where: { userId: user!.id } }),
    session: { isActive: session!.isActive, revokedAt: session!.revokedAt },
    auditRows: await models.AuditLog.count(),
  };
}

const routes: [string, () => Promise<{ status: number; body: { error?: { code: string } } }>][] = [
  ['GET /accounts/:uuid', () => mallory.api.get(`/api/v1/accounts/${aliceAccount.uuid}`)],
  [
    'PUT /accounts/:uuid',
    async () =>
      mallory.api.put(`/api/v1/accounts/${aliceAccount.uuid}`).set('If-Match', '"1"').send(await sealUpdate(mallory.key, aliceAccount.uuid)),
  ],
  ['DELETE /accounts/:uuid (trash)', () => mallory.api.delete(`/api/v1/accounts/${aliceAccount.uuid}`)],
  ['DELETE /accounts/:uuid?permanent=true', () => mallory.api.delete(`/api/v1/accounts/${aliceAccount.uuid}?permanent=true`)],
  ['POST /accounts/:uuid/restore', () => mallory.api.post(`/api/v1/accounts/${aliceTrashed.uuid}/restore`).send({})],
  ['POST /accounts/:uuid/used', () => mallory.api.post(`/api/v1/accounts/${aliceAccount.uuid}/used`).send({})],
  ['GET /accounts/:uuid of a trashed account', () => mallory.api.get(`/api/v1/accounts/${aliceTrashed.uuid}`)],
  ['DELETE /sessions/:id', () => mallory.api.delete(`/api/v1/sessions/${aliceSessionId}`)],
];

describe('another user\'s ids', () => {
  test.each(routes)('when Mallory calls %s with Alice\'s id, then 404 and nothing of Alice\'s changes', async (_route, call) => {
    const before = await aliceState();

    const response = await call();

    expect(response.status).toBe(404);
    expect(response.body.error?.code).toBe('not_found');
    expect(await aliceState()).toEqual(before);
  });

  test('when Mallory lists or syncs accounts, then none of Alice\'s appear', async () => {
    const full = expectStatus(await mallory.api.get('/api/v1/accounts'), 200).body;
    const delta = expectStatus(await mallory.api.get('/api/v1/accounts?since=v1.0'), 200).body;

    const uuids = [...full.accounts, ...delta.accounts].map((a: Account) => a.uuid);
    expect(uuids).not.toContain(aliceAccount.uuid);
    expect(uuids).not.toContain(aliceTrashed.uuid);
  });

  test('when Mallory matches Alice\'s site, then the match lists none of Alice\'s accounts', async () => {
    const response = await mallory.api.post('/api/v1/applications/match').send({ url: 'https://bank.example/login' });

    expect(response.status).toBe(200);
    expect(response.body.matches[0].accountUuids).toEqual([]);
  });

  test('when Mallory lists sessions, then Alice\'s session is not among them', async () => {
    const sessions = expectStatus(await mallory.api.get('/api/v1/sessions'), 200).body.sessions as { id: string }[];

    expect(sessions.map((s) => s.id)).not.toContain(aliceSessionId);
  });

  test('when Mallory stores an account under the uuid of Alice\'s, then it is Mallory\'s own and Alice\'s is untouched', async () => {
    const before = await aliceState();
    const body = await sealAccount(mallory.key, { uuid: aliceAccount.uuid });

    const response = await mallory.api.post('/api/v1/accounts').send(body);

    expect(response.status).toBe(201);
    const { auditRows: _auditBefore, ...aliceBefore } = before;
    const { auditRows: _auditAfter, ...aliceAfter } = await aliceState();
    expect(aliceAfter).toEqual(aliceBefore);
    const mine = expectStatus(await mallory.api.get(`/api/v1/accounts/${aliceAccount.uuid}`), 200).body.account as Account;
    expect(mine.password).toEqual(body.password);
    expect(mine.password).not.toEqual(aliceAccount.password);
    const alicesView = expectStatus(await alice.api.get(`/api/v1/accounts/${aliceAccount.uuid}`), 200).body.account as Account;
    expect(alicesView.password).toEqual(aliceAccount.password);
  });

  test('when Alice uses her own ids, then the same routes work (the 404s above are about ownership)', async () => {
    expect((await alice.api.get(`/api/v1/accounts/${aliceAccount.uuid}`)).status).toBe(200);
    expect((await alice.api.post(`/api/v1/accounts/${aliceAccount.uuid}/used`).send({})).status).toBe(200);
    expect((await alice.api.post(`/api/v1/accounts/${aliceTrashed.uuid}/restore`).send({})).status).toBe(200);
  });
});

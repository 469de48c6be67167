// Two devices editing one vault (DESIGN §7): If-Match makes the loser of a race find out instead of
// silently overwriting, and the per-user change sequence keeps delta sync complete under load.
// Real races need a database that runs transactions in parallel: those suites run on MariaDB only.
import type { Account, ListAccountsResponse } from '@secureaccess/shared/contract';
import { testDialect } from '../../helpers/database';
import { openField, sealAccount, sealUpdate } from './vault-fixtures';
import { expectStatus, startVaultWorld, type Member, type VaultWorld } from './vault-world';

let world: VaultWorld;

beforeAll(async () => {
  world = await startVaultWorld();
});
afterAll(async () => {
  await world.close();
});

async function createAccount(member: Member, password = 'v1'): Promise<Account> {
  const body = await sealAccount(member.key, { password });
  return expectStatus(await member.api.post('/api/v1/accounts').send(body), 201).body.account as Account;
}

const put = (member: Member, account: Account, ifMatch: number, body: object) =>
  member.api.put(`/api/v1/accounts/${account.uuid}`).set('If-Match', `"${ifMatch}"`).send(body);

test('when the second device saves with the revision it read, then it gets 409 and succeeds after re-reading', async () => {
  const phone = await world.member('editor', 'Two-devices');
  const laptop = await world.secondDevice(phone);
  const account = await createAccount(phone);
  expectStatus(await put(phone, account, 1, await sealUpdate(phone.key, account.uuid, { password: 'from phone' })), 200);

  const stale = await put(laptop, account, 1, await sealUpdate(laptop.key, account.uuid, { password: 'from laptop' }));
  const current = expectStatus(await laptop.api.get(`/api/v1/accounts/${account.uuid}`), 200).body.account as Account;
  const retried = await put(laptop, account, current.revision, await sealUpdate(laptop.key, account.uuid, { password: 'from laptop' }));

  expect(stale.status).toBe(409);
  expect(stale.body.error.details.currentRevision).toBe(2);
  expect(retried.status).toBe(200);
  expect(retried.body.account.revision).toBe(3);
});

if (testDialect() === 'mysql') {
  describe('races (MariaDB)', () => {
    test('when two devices update one account at the same revision at once, then exactly one wins and the other gets 409', async () => {
      const owner = await world.member('editor', 'Racer');
      const devices = [owner, await world.secondDevice(owner)];
      for (let round = 0; round < 5; round += 1) {
        const account = await createAccount(owner);
        const bodies = await Promise.all(devices.map((_, i) => sealUpdate(owner.key, account.uuid, { password: `device ${i}` })));

        const responses = await Promise.all(devices.map((device, i) => put(device, account, 1, bodies[i]!)));

        expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
        const winner = responses.findIndex((r) => r.status === 200);
        expect(responses[1 - winner]!.body.error).toMatchObject({ code: 'revision_conflict', details: { currentRevision: 2 } });
        const stored = await world.t.db.models.StoredAccount.findOne({ where: { uuid: account.uuid } });
        expect(stored!.revision).toBe(2);
        expect(await openField(owner.key, account.uuid, 'password', JSON.parse(stored!.encryptedPassword))).toBe(`device ${winner}`);
        expect(await world.t.db.models.AuditLog.count({ where: { action: 'account.update', targetId: account.uuid } })).toBe(1);
      }
    });

    test('when ten clients race on one revision, then one update lands and nine get 409', async () => {
      const owner = await world.member('editor', 'Crowd');
      const account = await createAccount(owner);
      const bodies = await Promise.all(Array.from({ length: 10 }, (_, i) => sealUpdate(owner.key, account.uuid, { password: `client ${i}` })));

      const responses = await Promise.all(bodies.map((body) => put(owner, account, 1, body)));

      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(9);
      expect((await world.t.db.models.StoredAccount.findOne({ where: { uuid: account.uuid } }))!.revision).toBe(2);
    });

    test('when many changes commit concurrently, then every one takes its own change sequence and a delta read in between misses none', async () => {
      const owner = await world.member('editor', 'Busy');
      const existing = await Promise.all(Array.from({ length: 10 }, () => createAccount(owner)));
      const start = expectStatus(await owner.api.get('/api/v1/accounts'), 200).body as ListAccountsResponse;

      const writes = [
        ...Array.from({ length: 15 }, () => sealAccount(owner.key).then((body) => owner.api.post('/api/v1/accounts').send(body))),
        ...existing.map(async (account) => put(owner, account, 1, await sealUpdate(owner.key, account.uuid))),
      ];
      const midway = owner.api.get(`/api/v1/accounts?since=${start.cursor}`);
      const [responses, middle] = await Promise.all([Promise.all(writes), midway]);
      expect(responses.map((r) => r.status).sort()).toEqual([...Array(10).fill(200), ...Array(15).fill(201)]);
      const rest = expectStatus(await owner.api.get(`/api/v1/accounts?since=${(middle.body as ListAccountsResponse).cursor}`), 200)
        .body as ListAccountsResponse;

      const user = await world.t.db.models.User.findOne({ where: { uuid: owner.user.id } });
      const seqs = (await world.t.db.models.StoredAccount.findAll({ where: { userId: user!.id } })).map((r) => Number(r.changeSeq));
      expect(new Set(seqs).size).toBe(25);
      expect(Math.max(...seqs)).toBe(Number(user!.vaultChangeSeq));
      // What the client saw midway plus what it fetched after is every change, at its last revision.
      const seen = new Map<string, number>();
      for (const account of [...(middle.body as ListAccountsResponse).accounts, ...rest.accounts]) seen.set(account.uuid, account.revision);
      expect(seen.size).toBe(25);
      for (const account of existing) expect(seen.get(account.uuid)).toBe(2);
    });
  });
}

// The vault API (DESIGN §7 accounts) on the real app and database: envelopes only, revisions with
// If-Match, trash / restore / permanent delete, delta sync with tombstones, bulk import, `used`.
import { randomUUID } from 'node:crypto';
import { maxBulkAccounts, secretFields, type Account, type ListAccountsResponse } from '@secureaccess/shared/contract';
import { encryptField, sealLegacyPlaintext } from '@secureaccess/shared/crypto';
import { encryptedColumn, verifyAuditChain } from '@secureaccess/server';
import { newVaultKey, openAccount, openField, sealAccount, sealUpdate } from './vault-fixtures';
import { expectStatus, startVaultWorld, type Member, type VaultWorld } from './vault-world';

let world: VaultWorld;
let alice: Member;

beforeAll(async () => {
  world = await startVaultWorld();
  alice = await world.member('editor', 'Alice');
});
afterAll(async () => {
  await world.close();
});

const row = (uuid: string) => world.t.db.models.StoredAccount.findOne({ where: { uuid } });
const auditRows = (action: string, targetId?: string) =>
  world.t.db.models.AuditLog.findAll({ where: { action, ...(targetId ? { targetId } : {}) }, order: [['id', 'ASC']] });

async function createAccount(member: Member, plain: Parameters<typeof sealAccount>[1] = {}): Promise<Account> {
  const body = await sealAccount(member.key, plain);
  return expectStatus(await member.api.post('/api/v1/accounts').send(body), 201).body.account as Account;
}

async function list(member: Member, since?: string): Promise<ListAccountsResponse> {
  const url = since === undefined ? '/api/v1/accounts' : `/api/v1/accounts?since=${encodeURIComponent(since)}`;
  return expectStatus(await member.api.get(url), 200).body as ListAccountsResponse;
}

describe('creating accounts', () => {
  test('when an editor stores an account with real envelopes, then it comes back at revision 1, is stored as ciphertext only and is audited', async () => {
    const body = await sealAccount(alice.key, { username: 'alice@bank.example', password: 'Tr0ub4dor&3', notes: 'PIN 1234', folder: 'Banking', url: 'https://bank.example/login', title: 'Joint account' });

    const response = await alice.api.post('/api/v1/accounts').send(body);

    expect(response.status).toBe(201);
    expect(response.headers.etag).toBe('"1"');
    const account = response.body.account as Account;
    expect(account).toMatchObject({ uuid: body.uuid, revision: 1, applicationId: null, legacyPlaintext: null, deletedAt: null, lastAccessedAt: null });
    expect(await openAccount(alice.key, account)).toEqual({
      username: 'alice@bank.example',
      password: 'Tr0ub4dor&3',
      notes: 'PIN 1234',
      url: 'https://bank.example/login',
      folder: 'Banking',
      title: 'Joint account',
    });
    const stored = await row(body.uuid);
    for (const field of secretFields) expect(JSON.parse(stored![encryptedColumn(field)]!)).toEqual(body[field]);
    const rawRow = JSON.stringify(stored!.toJSON());
    for (const secret of ['alice@bank.example', 'Tr0ub4dor&3', 'PIN 1234', 'bank.example', 'Banking', 'Joint account']) expect(rawRow).not.toContain(secret);
    const [audit] = await auditRows('account.create', body.uuid);
    expect(audit).toMatchObject({ userUuid: alice.user.id, success: true, targetType: 'account' });
    expect(JSON.stringify(audit!.details)).not.toContain(body.password.ct);
  });

  test.each([
    ['a plaintext password', { password: 'hunter2' }],
    ['an envelope with an unknown field', { password: { extra: 1 } }],
    ['an envelope with a short nonce', { password: { nonce: 'AAAA' } }],
    ['an envelope with another algorithm', { password: { alg: 'A128GCM' } }],
    ['a plaintext notes field', { notes: 'my secret note' }],
    ['a plaintext url (protocol v1, refused since v1.1)', { url: 'https://bank.example/login' }],
    ['a plaintext folder (protocol v1, refused since v1.1)', { folder: 'Banking' }],
    ['a url ciphertext over its 8 KiB limit', { url: { ct: Buffer.alloc(8_193).toString('base64') } }],
    ['a folder ciphertext over its 400-byte limit', { folder: { ct: Buffer.alloc(401).toString('base64') } }],
    ['an unknown top-level field', { title: 'My bank' }],
  ])('when the body carries %s, then 400 and nothing is stored', async (_label, change) => {
    const sealed = await sealAccount(alice.key);
    const body: Record<string, unknown> = { ...sealed };
    for (const [field, value] of Object.entries(change)) {
      body[field] = typeof value === 'object' ? { ...(sealed[field as 'password'] ?? sealed.password), ...value } : value;
    }

    const response = await alice.api.post('/api/v1/accounts').send(body);

    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(await row(sealed.uuid)).toBeNull();
  });

  test('when the uuid is already in the vault, then 409 and the stored account is unchanged', async () => {
    const first = await createAccount(alice, { password: 'first' });
    const again = await sealAccount(alice.key, { uuid: first.uuid, password: 'second' });

    const response = await alice.api.post('/api/v1/accounts').send(again);

    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('conflict');
    expect(JSON.parse((await row(first.uuid))!.encryptedPassword)).toEqual(first.password);
  });

  test('when the account links to an application that does not exist, then 400 unknown_application', async () => {
    const body = await sealAccount(alice.key, { applicationId: randomUUID() });

    const response = await alice.api.post('/api/v1/accounts').send(body);

    expect(response.status).toBe(400);
    expect(response.body.error.details.fields).toEqual([expect.objectContaining({ path: 'applicationId', code: 'unknown_application' })]);
    expect(await row(body.uuid)).toBeNull();
  });

  test('when every secret field carries a 60 KB ciphertext, then it is stored and read back whole', async () => {
    const big = 'x'.repeat(60_000);
    const body = await sealAccount(alice.key, { username: big, password: big, notes: big });

    const created = await alice.api.post('/api/v1/accounts').send(body);
    const read = await alice.api.get(`/api/v1/accounts/${body.uuid}`);

    expect(created.status).toBe(201);
    expect(read.status).toBe(200);
    expect(await openField(alice.key, body.uuid, 'username', read.body.account.username)).toBe(big);
    expect(await openField(alice.key, body.uuid, 'notes', read.body.account.notes)).toBe(big);
  });
});

describe('updating with If-Match', () => {
  test('when If-Match carries the current revision, then the account is replaced at the next revision and audited', async () => {
    const account = await createAccount(alice, { password: 'old', folder: 'A' });
    const update = await sealUpdate(alice.key, account.uuid, { password: 'new', folder: 'B' });

    const response = await alice.api.put(`/api/v1/accounts/${account.uuid}`).set('If-Match', '"1"').send(update);

    expect(response.status).toBe(200);
    expect(response.headers.etag).toBe('"2"');
    expect(response.body.account).toMatchObject({ revision: 2 });
    expect(await openField(alice.key, account.uuid, 'folder', response.body.account.folder)).toBe('B');
    const stored = await row(account.uuid);
    expect(stored!.revision).toBe(2);
    expect(await openField(alice.key, account.uuid, 'password', JSON.parse(stored!.encryptedPassword))).toBe('new');
    const [audit] = await auditRows('account.update', account.uuid);
    expect(audit!.details).toEqual({ revision: { old: 1, new: 2 } });
  });

  test('when If-Match is missing, then 428 and nothing is overwritten', async () => {
    const account = await createAccount(alice, { password: 'keep me' });

    const response = await alice.api.put(`/api/v1/accounts/${account.uuid}`).send(await sealUpdate(alice.key, account.uuid));

    expect(response.status).toBe(428);
    expect(response.body.error.code).toBe('precondition_required');
    const stored = await row(account.uuid);
    expect(stored!.revision).toBe(1);
    expect(JSON.parse(stored!.encryptedPassword)).toEqual(account.password);
  });

  test('when If-Match carries a stale revision, then 409 revision_conflict with the current revision and the newer data is kept', async () => {
    const account = await createAccount(alice, { password: 'v1' });
    const fromDeviceA = await sealUpdate(alice.key, account.uuid, { password: 'v2 from device A' });
    expectStatus(await alice.api.put(`/api/v1/accounts/${account.uuid}`).set('If-Match', '"1"').send(fromDeviceA), 200);
    const auditsBefore = (await auditRows('account.update', account.uuid)).length;

    const fromDeviceB = await sealUpdate(alice.key, account.uuid, { password: 'v2 from device B' });
    const response = await alice.api.put(`/api/v1/accounts/${account.uuid}`).set('If-Match', '"1"').send(fromDeviceB);

    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ code: 'revision_conflict', details: { currentRevision: 2 } });
    const stored = await row(account.uuid);
    expect(stored!.revision).toBe(2);
    expect(await openField(alice.key, account.uuid, 'password', JSON.parse(stored!.encryptedPassword))).toBe('v2 from device A');
    expect(await auditRows('account.update', account.uuid)).toHaveLength(auditsBefore);
  });

  test('when If-Match is not a revision, then 400', async () => {
    const account = await createAccount(alice);

    const response = await alice.api.put(`/api/v1/accounts/${account.uuid}`).set('If-Match', '*').send(await sealUpdate(alice.key, account.uuid));

    expect(response.status).toBe(400);
    expect((await row(account.uuid))!.revision).toBe(1);
  });

  test('when the account is in the trash, then an update is refused with 409 until it is restored', async () => {
    const account = await createAccount(alice);
    expectStatus(await alice.api.delete(`/api/v1/accounts/${account.uuid}`), 204);

    const response = await alice.api.put(`/api/v1/accounts/${account.uuid}`).set('If-Match', '2').send(await sealUpdate(alice.key, account.uuid));

    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('conflict');
    expect((await row(account.uuid))!.revision).toBe(2);
  });
});

describe('trash, restore and permanent delete', () => {
  test('when an account is deleted, then it moves to the trash with a new revision and is still listed with deletedAt', async () => {
    const account = await createAccount(alice);

    const response = await alice.api.delete(`/api/v1/accounts/${account.uuid}`);

    expect(response.status).toBe(204);
    const stored = await row(account.uuid);
    expect(stored!.deletedAt).toEqual(world.t.clock.now());
    expect(stored!.revision).toBe(2);
    const listed = (await list(alice)).accounts.find((a) => a.uuid === account.uuid);
    expect(listed).toMatchObject({ deletedAt: world.t.clock.now().toISOString(), revision: 2 });
    expect(await auditRows('account.trash', account.uuid)).toHaveLength(1);
  });

  test('when a trashed account is restored, then deletedAt is cleared at a new revision', async () => {
    const account = await createAccount(alice);
    expectStatus(await alice.api.delete(`/api/v1/accounts/${account.uuid}`), 204);

    const response = await alice.api.post(`/api/v1/accounts/${account.uuid}/restore`).send({});

    expect(response.status).toBe(200);
    expect(response.body.account).toMatchObject({ deletedAt: null, revision: 3 });
    expect((await row(account.uuid))!.deletedAt).toBeNull();
    expect(await auditRows('account.restore', account.uuid)).toHaveLength(1);
  });

  test('when an account is deleted permanently, then the row is gone, a tombstone remains and it is audited', async () => {
    const account = await createAccount(alice);

    const response = await alice.api.delete(`/api/v1/accounts/${account.uuid}?permanent=true`);

    expect(response.status).toBe(204);
    expect(await row(account.uuid)).toBeNull();
    const tombstone = await world.t.db.models.StoredAccountTombstone.findOne({ where: { uuid: account.uuid } });
    expect(tombstone).not.toBeNull();
    expect(await auditRows('account.delete', account.uuid)).toHaveLength(1);
    expect((await alice.api.get(`/api/v1/accounts/${account.uuid}`)).status).toBe(404);
  });
});

describe('delta sync', () => {
  test('when changes happen after a cursor, then ?since= returns exactly those accounts and the tombstones of removed ones, with a new cursor', async () => {
    const bob = await world.member('editor', 'Bob');
    const unchanged = await createAccount(bob);
    const toUpdate = await createAccount(bob);
    const toTrash = await createAccount(bob);
    const toRemove = await createAccount(bob);
    const full = await list(bob);
    expect(full.accounts.map((a) => a.uuid).sort()).toEqual([unchanged, toUpdate, toTrash, toRemove].map((a) => a.uuid).sort());
    expect(full.tombstones).toEqual([]);

    expectStatus(await bob.api.put(`/api/v1/accounts/${toUpdate.uuid}`).set('If-Match', '"1"').send(await sealUpdate(bob.key, toUpdate.uuid)), 200);
    expectStatus(await bob.api.delete(`/api/v1/accounts/${toTrash.uuid}`), 204);
    expectStatus(await bob.api.delete(`/api/v1/accounts/${toRemove.uuid}?permanent=true`), 204);
    const added = await createAccount(bob);
    const delta = await list(bob, full.cursor);

    expect(delta.accounts.map((a) => [a.uuid, a.revision, a.deletedAt !== null])).toEqual([
      [toUpdate.uuid, 2, false],
      [toTrash.uuid, 2, true],
      [added.uuid, 1, false],
    ]);
    expect(delta.tombstones).toEqual([{ uuid: toRemove.uuid, removedAt: world.t.clock.now().toISOString() }]);
    expect(delta.cursor).not.toBe(full.cursor);
    const nothingNew = await list(bob, delta.cursor);
    expect(nothingNew).toEqual({ accounts: [], tombstones: [], cursor: delta.cursor });
  });

  test('when an account is re-created with the uuid of a removed one, then delta sync reports the account and no stale tombstone', async () => {
    const carol = await world.member('editor', 'Carol');
    const account = await createAccount(carol);
    expectStatus(await carol.api.delete(`/api/v1/accounts/${account.uuid}?permanent=true`), 204);
    const { cursor } = await list(carol);

    const again = await createAccount(carol, { uuid: account.uuid });
    const delta = await list(carol, cursor);

    expect(delta.accounts.map((a) => a.uuid)).toEqual([again.uuid]);
    expect((await list(carol, 'v1.0')).tombstones).toEqual([]);
  });

  test.each([['garbage', 'not-a-cursor'], ['a cursor ahead of the vault', 'v1.999999']])(
    'when since is %s, then 400 so that the client syncs in full',
    async (_label, since) => {
      const response = await alice.api.get(`/api/v1/accounts?since=${since}`);

      expect(response.status).toBe(400);
      expect(response.body.error.details.fields[0]).toMatchObject({ path: 'since', code: 'invalid_cursor' });
    },
  );
});

describe('bulk import', () => {
  test('when 1000 accounts are sent at once, then all are stored in one go, in order, with one audit row', async () => {
    const dave = await world.member('editor', 'Dave');
    const accounts = await Promise.all(Array.from({ length: maxBulkAccounts }, (_, i) => sealAccount(dave.key, { password: `pw ${i}`, folder: 'Imported' })));

    const response = await dave.api.post('/api/v1/accounts/bulk').send({ accounts });

    expect(response.status).toBe(201);
    expect(response.body.accounts.map((a: Account) => a.uuid)).toEqual(accounts.map((a) => a.uuid));
    const user = await world.t.db.models.User.findOne({ where: { uuid: dave.user.id } });
    expect(await world.t.db.models.StoredAccount.count({ where: { userId: user!.id } })).toBe(maxBulkAccounts);
    expect(Number(user!.vaultChangeSeq)).toBe(maxBulkAccounts);
    const audits = await world.t.db.models.AuditLog.findAll({ where: { action: 'account.bulk_create', userUuid: dave.user.id } });
    expect(audits.map((a) => a.details)).toEqual([{ count: maxBulkAccounts }]);
    expect(await openField(dave.key, accounts[999]!.uuid, 'password', response.body.accounts[999].password)).toBe('pw 999');
  });

  test('when one row of a batch is invalid, then nothing is stored and the error names that row', async () => {
    const erin = await world.member('editor', 'Erin');
    const accounts: Record<string, unknown>[] = await Promise.all(Array.from({ length: 10 }, () => sealAccount(erin.key)));
    accounts[7] = { ...accounts[7], password: 'plaintext!' };

    const response = await erin.api.post('/api/v1/accounts/bulk').send({ accounts });

    expect(response.status).toBe(400);
    expect(response.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['accounts.7.password']);
    expect(await world.t.db.models.StoredAccount.count({ where: { uuid: accounts.map((a) => a.uuid as string) } })).toBe(0);
  });

  test('when rows link to unknown applications or reuse existing uuids, then nothing is stored and each row is named', async () => {
    const frank = await world.member('editor', 'Frank');
    const existing = await createAccount(frank);
    const accounts = await Promise.all(Array.from({ length: 5 }, () => sealAccount(frank.key)));
    accounts[1] = await sealAccount(frank.key, { applicationId: randomUUID() });
    accounts[3] = await sealAccount(frank.key, { uuid: existing.uuid });

    const response = await frank.api.post('/api/v1/accounts/bulk').send({ accounts });

    expect(response.status).toBe(400);
    expect(response.body.error.details.fields).toEqual([
      expect.objectContaining({ path: 'accounts.1.applicationId', code: 'unknown_application' }),
      expect.objectContaining({ path: 'accounts.3.uuid', code: 'already_exists' }),
    ]);
    expect(await world.t.db.models.StoredAccount.count({ where: { uuid: accounts.map((a) => a.uuid) } })).toBe(1);
  });

  test('when only existing uuids are the problem, then 409 naming those rows and nothing is stored', async () => {
    const gina = await world.member('editor', 'Gina');
    const existing = await createAccount(gina);
    const accounts = [await sealAccount(gina.key), await sealAccount(gina.key, { uuid: existing.uuid })];

    const response = await gina.api.post('/api/v1/accounts/bulk').send({ accounts });

    expect(response.status).toBe(409);
    expect(response.body.error.details.fields).toEqual([expect.objectContaining({ path: 'accounts.1.uuid', code: 'already_exists' })]);
    expect(await row(accounts[0]!.uuid)).toBeNull();
  });

  test('when a batch exceeds 1000 accounts, then 400 before anything is stored', async () => {
    const one = await sealAccount(alice.key);
    const accounts = Array.from({ length: maxBulkAccounts + 1 }, () => ({ ...one, uuid: randomUUID() }));

    const response = await alice.api.post('/api/v1/accounts/bulk').send({ accounts });

    expect(response.status).toBe(400);
    expect(await world.t.db.models.StoredAccount.count({ where: { uuid: accounts.map((a) => a.uuid) } })).toBe(0);
  });
});

describe('protocol v1.1: upgrading v1 accounts whose url and folder are in clear', () => {
  /** An account as protocol v1 stored it (and the v1.1 migration left it): url and folder in clear. */
  async function createV1Account(member: Member, url: string | null, folder: string | null): Promise<Account> {
    const account = await createAccount(member, { password: 'v1 password' });
    await world.t.db.models.StoredAccount.update({ legacyUrl: url, legacyFolder: folder }, { where: { uuid: account.uuid } });
    return account;
  }
  const upgrade = (member: Member, accounts: unknown[]) => member.api.post('/api/v1/accounts/encrypt-legacy').send({ accounts });

  test('when a v1 account is listed, then its plaintext comes in legacyPlaintext and its url/folder envelopes are null', async () => {
    const account = await createV1Account(alice, 'https://old.example/login', 'Old');

    const listed = (await list(alice)).accounts.find((a) => a.uuid === account.uuid)!;

    expect(listed).toMatchObject({ url: null, folder: null, legacyPlaintext: { url: 'https://old.example/login', folder: 'Old' } });
  });

  test('when the client sends the envelopes of the plaintext it read, then the row holds ciphertext only, at a new revision and change, audited', async () => {
    const account = await createV1Account(alice, 'https://upgrade.example/login', null);
    const { cursor } = await list(alice);
    const listed = (await list(alice)).accounts.find((a) => a.uuid === account.uuid)!;

    const response = await upgrade(alice, [await sealLegacyPlaintext(alice.key.userKey, alice.key.keyVersion, { ...listed, legacyPlaintext: listed.legacyPlaintext! })]);

    expect(response.status).toBe(200);
    expect(response.body.skipped).toEqual([]);
    const [upgraded] = response.body.accounts as Account[];
    expect(upgraded).toMatchObject({ uuid: account.uuid, revision: 2, legacyPlaintext: null, folder: null });
    expect(await openField(alice.key, account.uuid, 'url', upgraded!.url)).toBe('https://upgrade.example/login');
    const stored = await row(account.uuid);
    expect(stored).toMatchObject({ legacyUrl: null, legacyFolder: null, encryptedFolder: null });
    expect(JSON.stringify(stored!.toJSON())).not.toContain('upgrade.example');
    expect((await list(alice, cursor)).accounts.map((a) => a.uuid)).toEqual([account.uuid]);
    const [audit] = await auditRows('account.encrypt_legacy');
    expect(audit).toMatchObject({ userUuid: alice.user.id, success: true, details: { count: 1, uuids: [account.uuid] } });
  });

  test('when the revision moved, the row is already v1.1 or it is someone else\'s, then it is skipped and left as it was', async () => {
    const stale = await createV1Account(alice, 'https://stale.example', null);
    const current = await createAccount(alice, { url: 'https://current.example' });
    const bob = await world.member('editor', 'Bob');
    const bobs = await createV1Account(bob, 'https://bob.example', null);
    const sealUrl = (uuid: string) => encryptField(alice.key.userKey, alice.key.keyVersion, uuid, 'url', 'https://forged.example');

    const response = await upgrade(alice, [
      { uuid: stale.uuid, revision: 7, url: await sealUrl(stale.uuid), folder: null },
      { uuid: current.uuid, revision: 1, url: await sealUrl(current.uuid), folder: null },
      { uuid: bobs.uuid, revision: 1, url: await sealUrl(bobs.uuid), folder: null },
    ]);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ accounts: [], skipped: [stale.uuid, current.uuid, bobs.uuid] });
    expect(await row(stale.uuid)).toMatchObject({ revision: 1, legacyUrl: 'https://stale.example', encryptedUrl: null });
    expect(JSON.parse((await row(current.uuid))!.encryptedUrl!)).toEqual(current.url);
    expect(await row(bobs.uuid)).toMatchObject({ revision: 1, legacyUrl: 'https://bob.example' });
  });

  test('when the envelopes do not mirror the plaintext (one dropped, one invented), then 400 naming them and nothing changes', async () => {
    const account = await createV1Account(alice, 'https://mirror.example', null);
    const seal = (field: 'url' | 'folder') => encryptField(alice.key.userKey, alice.key.keyVersion, account.uuid, field, 'x');

    const response = await upgrade(alice, [{ uuid: account.uuid, revision: 1, url: null, folder: await seal('folder') }]);

    expect(response.status).toBe(400);
    expect(response.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['accounts.0.url', 'accounts.0.folder']);
    expect(await row(account.uuid)).toMatchObject({ revision: 1, legacyUrl: 'https://mirror.example', encryptedFolder: null });
  });

  test('when a plaintext url is sent to the upgrade, then 400 (plaintext is never accepted in a write)', async () => {
    const account = await createV1Account(alice, 'https://plain.example', null);

    const response = await upgrade(alice, [{ uuid: account.uuid, revision: 1, url: 'https://plain.example', folder: null }]);

    expect(response.status).toBe(400);
    expect(await row(account.uuid)).toMatchObject({ revision: 1, legacyUrl: 'https://plain.example' });
  });

  test('when a v1 account is replaced with PUT, then its plaintext is cleared with it', async () => {
    const account = await createV1Account(alice, 'https://put.example', 'Put');
    const update = await sealUpdate(alice.key, account.uuid, { url: 'https://put.example' });

    const response = await alice.api.put(`/api/v1/accounts/${account.uuid}`).set('If-Match', '"1"').send(update);

    expect(response.status).toBe(200);
    expect(response.body.account.legacyPlaintext).toBeNull();
    expect(await row(account.uuid)).toMatchObject({ legacyUrl: null, legacyFolder: null });
  });

  test('when a reader upgrades their own v1 accounts, then it is allowed (the content does not change, only its protection)', async () => {
    const reader = await world.member('reader', 'Rita');
    // Readers cannot create accounts: one made by alice is handed to the reader (the ciphertexts are bound to the uuid, not the owner).
    const account = await createV1Account(alice, 'https://x.example', null);
    const readerRow = await world.t.db.models.User.findOne({ where: { uuid: reader.user.id } });
    await world.t.db.models.StoredAccount.update({ userId: readerRow!.id }, { where: { uuid: account.uuid } });
    const sealed = await sealLegacyPlaintext(reader.key.userKey, reader.key.keyVersion, {
      uuid: account.uuid,
      revision: 1,
      legacyPlaintext: { url: 'https://x.example', folder: null },
    });

    const response = await upgrade(reader, [sealed]);

    expect(response.status).toBe(200);
    expect(response.body.accounts).toHaveLength(1);
  });
});

describe('used', () => {
  test('when an account is used, then last_accessed_at is set without a new revision and a credential_used row is written', async () => {
    const account = await createAccount(alice);
    world.t.clock.advance(5_000);

    const response = await alice.api.post(`/api/v1/accounts/${account.uuid}/used`).send({});

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ lastAccessedAt: world.t.clock.now().toISOString(), access: null });
    const stored = await row(account.uuid);
    expect(stored!.lastAccessedAt).toEqual(world.t.clock.now());
    expect(stored!.revision).toBe(1);
    const [audit] = await auditRows('account.credential_used', account.uuid);
    expect(audit).toMatchObject({ userUuid: alice.user.id, success: true, details: { access: null } });
  });

  test('when all of this has happened, then the audit chain still verifies', async () => {
    expect(await verifyAuditChain(world.t.db)).toMatchObject({ ok: true });
  });
});

test('when an envelope was made under another key version, then the server stores it as is (it cannot and does not decrypt)', async () => {
  const other = newVaultKey(7);
  const uuid = randomUUID();
  const body = {
    uuid,
    username: await encryptField(other.userKey, other.keyVersion, uuid, 'username', 'u'),
    password: await encryptField(other.userKey, other.keyVersion, uuid, 'password', 'p'),
  };

  const response = await alice.api.post('/api/v1/accounts').send(body);

  expect(response.status).toBe(201);
  expect(response.body.account.password.kid).toBe(7);
});

import type { Account, Application } from '@secureaccess/shared/contract';
import { generateUserKey, sealAccountSecrets } from '@secureaccess/shared/crypto';
import { mergeEncryptedAccounts, PageMatcher, VaultIndex } from '@ext/utils/background/vault-index';
import { randomUUID } from 'node:crypto';

const userKey = generateUserKey();
const now = '2026-01-01T00:00:00.000Z';

async function account(fields: {
  username: string;
  password: string;
  notes?: string;
  applicationId?: string | null;
  url?: string | null;
  folder?: string | null;
  lastAccessedAt?: string | null;
  deletedAt?: string | null;
  uuid?: string;
}): Promise<Account> {
  const uuid = fields.uuid ?? randomUUID();
  return {
    uuid,
    applicationId: fields.applicationId ?? null,
    ...(await sealAccountSecrets(userKey, 1, uuid, fields)),
    legacyPlaintext: null,
    revision: 1,
    createdAt: now,
    updatedAt: now,
    lastAccessedAt: fields.lastAccessedAt ?? null,
    deletedAt: fields.deletedAt ?? null,
  };
}

function application(fields: Partial<Application> & { url: string; name: string }): Application {
  return {
    id: randomUUID(),
    matchStrategy: 'base_domain',
    matchPatterns: [],
    isActive: true,
    access: 'granted',
    accessGrantedValue: 'granted',
    accessDeclinedValue: 'declined',
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
}

describe('VaultIndex', () => {
  test('when built from encrypted accounts, then it holds the fields the index needs in clear, not the password or notes, and separates the trash', async () => {
    const live = await account({ username: 'ada', password: 'pw-1', notes: 'n', url: 'https://ada.example/', folder: 'Work' });
    const trashed = await account({ username: 'old', password: 'pw-2', deletedAt: now });
    const index = await VaultIndex.build(userKey, [live, trashed]);
    expect(index.get(live.uuid)).toEqual(
      expect.objectContaining({ username: 'ada', url: 'https://ada.example/', folder: 'Work', decryptError: null }),
    );
    expect(index.get(trashed.uuid)).toMatchObject({ url: null, folder: null });
    expect(JSON.stringify(index.get(live.uuid))).not.toContain('pw-1');
    expect(await index.reveal(live.uuid, 'password')).toBe('pw-1');
    expect(await index.reveal(live.uuid, 'notes')).toBe('n');
    expect(await index.reveal(trashed.uuid, 'notes')).toBe('');
    expect(index.active().map((item) => item.uuid)).toEqual([live.uuid]);
    expect(index.trash().map((item) => item.uuid)).toEqual([trashed.uuid]);
  });

  test('when a ciphertext was swapped between accounts by the server, then that account does not decrypt and is never usable', async () => {
    const a = await account({ username: 'ada', password: 'secret-a' });
    const b = await account({ username: 'bob', password: 'secret-b' });
    const swapped: Account = { ...b, username: a.username };
    const passwordSwapped: Account = { ...a, password: b.password };
    const index = await VaultIndex.build(userKey, [passwordSwapped, swapped]);
    expect(index.get(b.uuid)).toMatchObject({ username: '', decryptError: expect.any(String) });
    await expect(index.reveal(b.uuid, 'password')).rejects.toMatchObject({ code: 'crypto' });
    // The password is checked when it is used: a swapped one never decrypts.
    await expect(index.reveal(a.uuid, 'password')).rejects.toMatchObject({ code: 'crypto' });
  });

  test('when a v1 account still carries its url and folder in clear, then the index reads them until the upgrade replaces them', async () => {
    const v1 = { ...(await account({ username: 'ada', password: 'pw' })), legacyPlaintext: { url: 'https://v1.example/', folder: null } };
    const index = await VaultIndex.build(userKey, [v1]);
    expect(index.get(v1.uuid)).toMatchObject({ url: 'https://v1.example/', folder: null, decryptError: null });
  });

  test('when a delta arrives, then changed accounts replace the old ones and tombstoned ones disappear', async () => {
    const a = await account({ username: 'ada', password: 'old' });
    const b = await account({ username: 'bob', password: 'pw' });
    const index = await VaultIndex.build(userKey, [a, b]);
    const changed = { ...(await account({ uuid: a.uuid, username: 'ada', password: 'new' })), revision: 2 };
    await index.applyChanges([changed], [{ uuid: b.uuid }]);
    expect(index.get(a.uuid)).toMatchObject({ revision: 2 });
    expect(await index.reveal(a.uuid, 'password')).toBe('new');
    expect(index.get(b.uuid)).toBeUndefined();
    await expect(index.reveal(b.uuid, 'password')).rejects.toMatchObject({ code: 'not_found' });
    expect(mergeEncryptedAccounts([a, b], [changed], [{ uuid: b.uuid }])).toEqual([changed]);
  });

  test('when a sync answered before a save is applied after it, then the saved (later) revision stays, in the index and in the cache', async () => {
    const saved = { ...(await account({ username: 'ada', password: 'new-strong-one' })), revision: 3 };
    const stale = { ...(await account({ uuid: saved.uuid, username: 'ada', password: 'password123' })), revision: 2 };
    const index = await VaultIndex.build(userKey, [saved]);
    await index.applyChanges([stale], []);
    expect(index.get(saved.uuid)).toMatchObject({ revision: 3 });
    expect(await index.reveal(saved.uuid, 'password')).toBe('new-strong-one');
    expect(mergeEncryptedAccounts([saved], [stale], [])).toEqual([saved]);
    // The same revision again (a delta repeating what a save stored) is the same version: taken.
    const again = { ...saved };
    expect(mergeEncryptedAccounts([saved], [again], [])[0]).toBe(again);
  });
});

describe('PageMatcher', () => {
  test('when a page matches applications, then their accounts come first (best application, most recent use), then URL-only accounts', async () => {
    const exampleApp = application({ name: 'Example', url: 'https://example.com/' });
    const otherApp = application({ name: 'Other', url: 'https://other.org/' });
    const older = await account({ username: 'old-user', password: 'x1', applicationId: exampleApp.id, lastAccessedAt: '2025-01-01T00:00:00.000Z' });
    const recent = await account({ username: 'recent-user', password: 'x2', applicationId: exampleApp.id, lastAccessedAt: '2026-06-01T00:00:00.000Z' });
    const urlOnly = await account({ username: 'url-user', password: 'x3', url: 'https://accounts.example.com/login' });
    const elsewhere = await account({ username: 'other-user', password: 'x4', applicationId: otherApp.id });
    const index = await VaultIndex.build(userKey, [older, recent, urlOnly, elsewhere]);
    const matcher = new PageMatcher([exampleApp, otherApp]);

    const result = matcher.match('https://www.example.com/sign-in', index.active());

    expect(result.applications.map((match) => match.application.name)).toEqual(['Example']);
    expect(result.accounts.map((entry) => entry.item.username)).toEqual(['recent-user', 'old-user', 'url-user']);
  });

  test('when the application is declined, then the page still matches it so the UI can say why nothing is filled', async () => {
    const declined = application({ name: 'Payroll', url: 'https://payroll.test/', access: 'declined', accessDeclinedValue: 'blocked by policy' });
    const item = await account({ username: 'ada', password: 'pw', applicationId: declined.id });
    const index = await VaultIndex.build(userKey, [item]);
    const result = new PageMatcher([declined]).match('https://payroll.test/login', index.active());
    expect(result.accounts[0]!.application).toMatchObject({ access: 'declined', accessDeclinedValue: 'blocked by policy' });
  });

  test('when the page is on another site, then no account matches (a look-alike host included)', async () => {
    const exampleApp = application({ name: 'Example', url: 'https://example.com/' });
    const item = await account({ username: 'ada', password: 'pw', applicationId: exampleApp.id });
    const index = await VaultIndex.build(userKey, [item]);
    const matcher = new PageMatcher([exampleApp]);
    expect(matcher.match('https://example.com.evil.test/', index.active()).accounts).toEqual([]);
    expect(matcher.match('https://notexample.com/', index.active()).accounts).toEqual([]);
  });
});

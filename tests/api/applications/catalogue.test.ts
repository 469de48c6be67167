// The application catalogue (DESIGN §7 applications): editors add the site they save a login for,
// admins curate it; URLs, match rules and values are validated; changes are audited with their
// old and new values; deleting one that accounts use needs force, which detaches them as a vault
// change their owners' devices sync.
import type { Account, Application, ListAccountsResponse } from '@secureaccess/shared/contract';
import { sealAccount } from '../vault/vault-fixtures';
import { expectStatus, startVaultWorld, type Member, type VaultWorld } from '../vault/vault-world';

let world: VaultWorld;
let editor: Member;
let reader: Member;

beforeAll(async () => {
  world = await startVaultWorld();
  editor = await world.member('editor', 'Eddie');
  reader = await world.member('reader', 'Rita');
});
afterAll(async () => {
  await world.close();
});

let siteCounter = 0;
const uniqueSite = (label = 'site') => `${label}${(siteCounter += 1)}-${Date.now().toString(36)}.example`;

async function addApplication(member: Member, body: Record<string, unknown>): Promise<Application> {
  return expectStatus(await member.api.post('/api/v1/applications').send(body), 201).body.application as Application;
}

const applicationRow = (uuid: string) => world.t.db.models.Application.findOne({ where: { uuid } });
const auditFor = (action: string, targetId: string) =>
  world.t.db.models.AuditLog.findAll({ where: { action, targetId }, order: [['id', 'ASC']] });

async function setDefaultAccess(access: 'granted' | 'declined') {
  expectStatus(await world.admin.api.put('/api/v1/admin/settings').send({ signupsOpen: true, defaultApplicationAccess: access }), 200);
}

describe('adding applications', () => {
  test('when an editor adds a site, then it is active with the organisation\'s default access and the default values, and audited', async () => {
    const host = uniqueSite('shop');

    const response = await editor.api.post('/api/v1/applications').send({ name: 'Shop', url: `https://www.${host}/login` });

    expect(response.status).toBe(201);
    const application = response.body.application as Application;
    expect(application).toMatchObject({
      name: 'Shop',
      matchStrategy: 'base_domain',
      matchPatterns: [],
      isActive: true,
      access: 'granted',
      accessGrantedValue: 'granted',
      accessDeclinedValue: 'declined',
    });
    const stored = await applicationRow(application.id);
    expect(stored).toMatchObject({ host: `www.${host}`, baseDomain: host });
    const editorRow = await world.t.db.models.User.findOne({ where: { uuid: editor.user.id } });
    expect(Number(stored!.createdBy)).toBe(Number(editorRow!.id));
    const [audit] = await auditFor('application.create', application.id);
    expect(audit).toMatchObject({ userUuid: editor.user.id, success: true });
    expect(audit!.details).toEqual({
      new: {
        name: 'Shop',
        url: `https://www.${host}/login`,
        matchStrategy: 'base_domain',
        matchPatterns: [],
        isActive: true,
        access: 'granted',
        accessGrantedValue: 'granted',
        accessDeclinedValue: 'declined',
      },
    });
  });

  test('when the organisation\'s default access is declined, then a new application starts declined', async () => {
    await setDefaultAccess('declined');
    try {
      const application = await addApplication(editor, { name: 'Unvetted', url: `https://${uniqueSite()}` });

      expect(application.access).toBe('declined');
      expect((await applicationRow(application.id))!.access).toBe('declined');
    } finally {
      await setDefaultAccess('granted');
    }
  });

  test.each([
    ['an app scheme', { url: 'androidapp://com.example.app' }, 'url', 'invalid_url'],
    ['an ftp URL', { url: 'ftp://files.example' }, 'url', 'invalid_url'],
    ['a regex with a backreference', { matchStrategy: 'regex', matchPatterns: ['^https://(a)\\1$'] }, 'matchPatterns.0', 'invalid_pattern'],
    ['a regex that does not compile', { matchStrategy: 'regex', matchPatterns: ['^https://(unclosed'] }, 'matchPatterns.0', 'invalid_pattern'],
    ['the regex strategy without patterns', { matchStrategy: 'regex' }, 'matchPatterns', 'too_small'],
    ['an extra URL that is not http(s)', { matchPatterns: ['javascript:alert(1)'] }, 'matchPatterns.0', 'invalid_url'],
  ])('when the application has %s, then 400 naming the field and nothing is stored', async (_label, change, path, code) => {
    const name = `Invalid ${uniqueSite()}`;

    const response = await editor.api.post('/api/v1/applications').send({ name, url: `https://${uniqueSite()}`, ...change });

    expect(response.status).toBe(400);
    expect(response.body.error.details.fields).toEqual(expect.arrayContaining([expect.objectContaining({ path, code })]));
    expect(await world.t.db.models.Application.count({ where: { name } })).toBe(0);
  });

  test('when the name is longer than 200 characters or a pattern longer than 500, then 400 from the contract', async () => {
    const longName = await editor.api.post('/api/v1/applications').send({ name: 'n'.repeat(201), url: `https://${uniqueSite()}` });
    const longPattern = await editor.api
      .post('/api/v1/applications')
      .send({ name: 'Long pattern', url: `https://${uniqueSite()}`, matchStrategy: 'regex', matchPatterns: [`^${'a'.repeat(500)}$`] });

    expect(longName.status).toBe(400);
    expect(longPattern.status).toBe(400);
  });

  test('when a pattern holds a line break, then 400 from the contract (a catalogue CSV cell keeps patterns one per line)', async () => {
    const name = `Multi-line ${uniqueSite()}`;

    const response = await editor.api
      .post('/api/v1/applications')
      .send({ name, url: `https://${uniqueSite()}`, matchStrategy: 'regex', matchPatterns: ['https://a\\.example/\nhttps://b\\.example/'] });

    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.error.details)).toContain('matchPatterns');
    expect(await world.t.db.models.Application.count({ where: { name } })).toBe(0);
  });

  test('when an application with the same URL exists, then 409 naming it', async () => {
    const url = `https://${uniqueSite()}/`;
    const existing = await addApplication(editor, { name: 'First', url });

    const response = await editor.api.post('/api/v1/applications').send({ name: 'Second', url });

    expect(response.status).toBe(409);
    expect(response.body.error.details).toEqual({ applicationId: existing.id });
  });
});

describe('listing', () => {
  test('when anyone lists the catalogue, then inactive applications are in it, flagged, with their access values (the extension refuses and says why)', async () => {
    const active = await addApplication(editor, { name: 'Listed', url: `https://${uniqueSite()}` });
    const inactive = await addApplication(editor, { name: 'Retired', url: `https://${uniqueSite()}` });
    expectStatus(await world.admin.api.patch(`/api/v1/applications/${inactive.id}`).send({ isActive: false, accessDeclinedValue: 'retired' }), 200);

    const forReader = expectStatus(await reader.api.get('/api/v1/applications'), 200).body.applications as Application[];
    const forAdmin = expectStatus(await world.admin.api.get('/api/v1/applications'), 200).body.applications as Application[];

    expect(forReader.find((a) => a.id === active.id)).toMatchObject({ isActive: true, access: 'granted' });
    expect(forReader.find((a) => a.id === inactive.id)).toMatchObject({ isActive: false, accessDeclinedValue: 'retired' });
    expect(forAdmin).toEqual(forReader);
    expect(forReader).toHaveLength(await world.t.db.models.Application.count());
  });
});

describe('editing (admin)', () => {
  test('when an admin edits an application, then the changes apply and the audit row carries only the changed fields, old and new', async () => {
    const host = uniqueSite('portal');
    const application = await addApplication(editor, { name: 'Portal', url: `https://${host}` });

    const response = await world.admin.api.patch(`/api/v1/applications/${application.id}`).send({
      name: 'Portal (SSO)',
      url: `https://login.${host}/`,
      matchStrategy: 'starts_with',
      access: 'declined',
      accessGrantedValue: 'ALLOW',
      accessDeclinedValue: 'DENY: ask IT',
    });

    expect(response.status).toBe(200);
    expect(response.body.application).toMatchObject({
      name: 'Portal (SSO)',
      matchStrategy: 'starts_with',
      access: 'declined',
      accessGrantedValue: 'ALLOW',
      accessDeclinedValue: 'DENY: ask IT',
    });
    expect(await applicationRow(application.id)).toMatchObject({ host: `login.${host}`, baseDomain: host, access: 'declined' });
    const [audit] = await auditFor('application.update', application.id);
    expect(audit!.userUuid).toBe(world.admin.user.id);
    expect(audit!.details).toEqual({
      old: { name: 'Portal', url: `https://${host}`, matchStrategy: 'base_domain', access: 'granted', accessGrantedValue: 'granted', accessDeclinedValue: 'declined' },
      new: { name: 'Portal (SSO)', url: `https://login.${host}/`, matchStrategy: 'starts_with', access: 'declined', accessGrantedValue: 'ALLOW', accessDeclinedValue: 'DENY: ask IT' },
    });
  });

  test('when the strategy becomes regex while the extra patterns are URLs, then 400 and nothing changes', async () => {
    const application = await addApplication(editor, {
      name: 'Mixed',
      url: `https://${uniqueSite()}`,
      matchPatterns: ['https://alt.example/(login'],
    });

    const response = await world.admin.api.patch(`/api/v1/applications/${application.id}`).send({ matchStrategy: 'regex' });

    expect(response.status).toBe(400);
    expect(response.body.error.details.fields[0]).toMatchObject({ path: 'matchPatterns.0', code: 'invalid_pattern' });
    expect((await applicationRow(application.id))!.matchStrategy).toBe('base_domain');
    expect(await auditFor('application.update', application.id)).toHaveLength(0);
  });

  test('when a value is longer than 100 characters, then 400', async () => {
    const application = await addApplication(editor, { name: 'Values', url: `https://${uniqueSite()}` });

    const response = await world.admin.api.patch(`/api/v1/applications/${application.id}`).send({ accessDeclinedValue: 'x'.repeat(101) });

    expect(response.status).toBe(400);
    expect((await applicationRow(application.id))!.accessDeclinedValue).toBe('declined');
  });

  test('when the application does not exist, then 404', async () => {
    const response = await world.admin.api.patch('/api/v1/applications/00000000-0000-4000-8000-000000000000').send({ name: 'x' });

    expect(response.status).toBe(404);
  });
});

describe('deleting (admin)', () => {
  test('when accounts use the application, then deleting without force is refused with 409 and nothing changes', async () => {
    const application = await addApplication(editor, { name: 'In use', url: `https://${uniqueSite()}` });
    const body = await sealAccount(editor.key, { applicationId: application.id });
    expectStatus(await editor.api.post('/api/v1/accounts').send(body), 201);

    const response = await world.admin.api.delete(`/api/v1/applications/${application.id}`);

    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ code: 'conflict', details: { accounts: 1 } });
    expect(await applicationRow(application.id)).not.toBeNull();
    expect(await auditFor('application.delete', application.id)).toHaveLength(0);
  });

  test('when deleted with force, then the application is gone and every linked account is detached as a change its owner syncs', async () => {
    const application = await addApplication(editor, { name: 'Doomed', url: `https://${uniqueSite()}` });
    const other = await world.member('editor', 'Otto');
    const mine = expectStatus(await editor.api.post('/api/v1/accounts').send(await sealAccount(editor.key, { applicationId: application.id })), 201)
      .body.account as Account;
    const trashed = expectStatus(await other.api.post('/api/v1/accounts').send(await sealAccount(other.key, { applicationId: application.id })), 201)
      .body.account as Account;
    expectStatus(await other.api.delete(`/api/v1/accounts/${trashed.uuid}`), 204);
    const cursor = (expectStatus(await editor.api.get('/api/v1/accounts'), 200).body as ListAccountsResponse).cursor;

    const response = await world.admin.api.delete(`/api/v1/applications/${application.id}?force=true`);

    expect(response.status).toBe(204);
    expect(await applicationRow(application.id)).toBeNull();
    const rows = await world.t.db.models.StoredAccount.findAll({ where: { uuid: [mine.uuid, trashed.uuid] } });
    expect(rows.map((r) => [r.uuid, r.applicationId]).sort()).toEqual([[mine.uuid, null], [trashed.uuid, null]].sort());
    expect(rows.find((r) => r.uuid === mine.uuid)!.revision).toBe(2);
    expect(rows.find((r) => r.uuid === trashed.uuid)!.revision).toBe(3);
    const delta = expectStatus(await editor.api.get(`/api/v1/accounts?since=${cursor}`), 200).body as ListAccountsResponse;
    expect(delta.accounts).toEqual([expect.objectContaining({ uuid: mine.uuid, applicationId: null, revision: 2 })]);
    const [audit] = await auditFor('application.delete', application.id);
    expect(audit!.details).toMatchObject({ old: { name: 'Doomed', access: 'granted' }, detachedAccounts: 2 });
  });

  test('when no account uses it, then it is deleted without force', async () => {
    const application = await addApplication(editor, { name: 'Unused', url: `https://${uniqueSite()}` });

    const response = await world.admin.api.delete(`/api/v1/applications/${application.id}`);

    expect(response.status).toBe(204);
    expect(await applicationRow(application.id)).toBeNull();
  });
});

describe('match', () => {
  test('when a page matches several applications, then they come ranked best first, each with its access and the caller\'s accounts', async () => {
    const host = uniqueSite('corp');
    const wide = await addApplication(editor, { name: 'Corp (all)', url: `https://${host}` });
    const admin = await addApplication(editor, { name: 'Corp admin', url: `https://${host}/admin`, matchStrategy: 'starts_with' });
    const account = expectStatus(await editor.api.post('/api/v1/accounts').send(await sealAccount(editor.key, { applicationId: admin.id })), 201)
      .body.account as Account;

    const response = await editor.api.post('/api/v1/applications/match').send({ url: `https://${host}/admin/login?next=/` });

    expect(response.status).toBe(200);
    expect(response.body.matches.map((m: { application: Application; strategy: string }) => [m.application.id, m.strategy])).toEqual([
      [admin.id, 'starts_with'],
      [wide.id, 'base_domain'],
    ]);
    expect(response.body.matches[0]).toMatchObject({
      insecure: false,
      access: { applicationId: admin.id, state: 'granted', value: 'granted', isActive: true, allowed: true, reason: null, decidedAt: expect.any(String) },
      accountUuids: [account.uuid],
    });
    expect(response.body.matches[1].accountUuids).toEqual([]);
    const [audit] = await world.t.db.models.AuditLog.findAll({ where: { action: 'application.match', userUuid: editor.user.id }, order: [['id', 'DESC']], limit: 1 });
    expect(audit).toMatchObject({ targetId: admin.id, success: true });
    expect(audit!.details).toEqual({
      host,
      decisions: [
        { applicationId: admin.id, state: 'granted', value: 'granted', isActive: true, allowed: true, reason: null, decidedAt: expect.any(String) },
        { applicationId: wide.id, state: 'granted', value: 'granted', isActive: true, allowed: true, reason: null, decidedAt: expect.any(String) },
      ],
    });
  });

  test('when the page is plain http and the application https, then the match is flagged insecure', async () => {
    const host = uniqueSite();
    await addApplication(editor, { name: 'Secure only', url: `https://${host}` });

    const response = await editor.api.post('/api/v1/applications/match').send({ url: `http://${host}/` });

    expect(response.body.matches[0].insecure).toBe(true);
  });

  test('when an application lists an extra URL or a regex on another domain, then a page there matches it', async () => {
    const host = uniqueSite('sso');
    const other = uniqueSite('idp');
    const extra = await addApplication(editor, { name: 'Extra URL', url: `https://${host}`, matchPatterns: [`https://login.${other}`] });
    const regex = await addApplication(editor, {
      name: 'Regex',
      url: `https://app.${host}`,
      matchStrategy: 'regex',
      matchPatterns: [`^https://auth\\.${other.replace(/\./g, '\\.')}/.*$`],
    });

    const viaExtra = await editor.api.post('/api/v1/applications/match').send({ url: `https://login.${other}/start` });
    const viaRegex = await editor.api.post('/api/v1/applications/match').send({ url: `https://auth.${other}/x` });

    expect(viaExtra.body.matches.map((m: { application: Application }) => m.application.id)).toEqual([extra.id]);
    // The extra URL matches by base domain too, so the regex (a stronger strategy) ranks first.
    expect(viaRegex.body.matches.map((m: { application: Application; strategy: string }) => [m.application.id, m.strategy])).toEqual([
      [regex.id, 'regex'],
      [extra.id, 'base_domain'],
    ]);
  });

  test('when nothing matches, then the answer is empty and no decision is audited', async () => {
    const before = await world.t.db.models.AuditLog.count({ where: { action: 'application.match' } });

    const response = await reader.api.post('/api/v1/applications/match').send({ url: `https://${uniqueSite('nowhere')}/` });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ matches: [] });
    expect(await world.t.db.models.AuditLog.count({ where: { action: 'application.match' } })).toBe(before);
  });

  test('when the URL is not http(s), then 400', async () => {
    const response = await reader.api.post('/api/v1/applications/match').send({ url: 'javascript:alert(1)' });

    expect(response.status).toBe(400);
    expect(response.body.error.details.fields[0]).toMatchObject({ path: 'url', code: 'invalid_url' });
  });
});

// Organisation settings (DESIGN §1, §7 admin/settings): sign-ups open or closed, and the access
// new applications start with; every change is audited with old and new values.
import { makeRegistration } from '../../helpers/auth';
import { expectStatus, startVaultWorld, type VaultWorld } from '../vault/vault-world';

let world: VaultWorld;

beforeAll(async () => {
  world = await startVaultWorld();
});
afterAll(async () => {
  await world.close();
});

const settingsRows = async () =>
  Object.fromEntries((await world.t.db.models.Setting.findAll()).map((row) => [row.name, row.value]));

test('when an admin reads the settings of a new organisation, then they are the product defaults', async () => {
  const response = await world.admin.api.get('/api/v1/admin/settings');

  expect(response.status).toBe(200);
  expect(response.body).toEqual({ settings: { signupsOpen: true, defaultApplicationAccess: 'granted' } });
});

test('when an admin replaces the settings, then they are stored, returned, and audited with old and new values', async () => {
  const response = await world.admin.api.put('/api/v1/admin/settings').send({ signupsOpen: false, defaultApplicationAccess: 'declined' });

  expect(response.status).toBe(200);
  expect(response.body.settings).toEqual({ signupsOpen: false, defaultApplicationAccess: 'declined' });
  expect(await settingsRows()).toMatchObject({ signups_allowed: false, default_application_access: 'declined' });
  const admin = await world.t.db.models.User.findOne({ where: { uuid: world.admin.user.id } });
  const row = await world.t.db.models.Setting.findByPk('signups_allowed');
  expect(Number(row!.updatedBy)).toBe(Number(admin!.id));
  const audit = await world.t.db.models.AuditLog.findOne({ where: { action: 'settings.update' }, order: [['id', 'DESC']] });
  expect(audit).toMatchObject({ userUuid: world.admin.user.id, targetType: 'settings', success: true });
  expect(audit!.details).toEqual({
    old: { signupsOpen: true, defaultApplicationAccess: 'granted' },
    new: { signupsOpen: false, defaultApplicationAccess: 'declined' },
  });
  expect((await world.admin.api.get('/api/v1/admin/settings')).body.settings).toEqual({ signupsOpen: false, defaultApplicationAccess: 'declined' });
});

test('when sign-ups are closed, then registration is refused; reopened, it works again', async () => {
  expectStatus(await world.admin.api.put('/api/v1/admin/settings').send({ signupsOpen: false, defaultApplicationAccess: 'granted' }), 200);
  const closed = await world.t.api.post('/api/v1/auth/register').send((await makeRegistration()).registerBody);

  expectStatus(await world.admin.api.put('/api/v1/admin/settings').send({ signupsOpen: true, defaultApplicationAccess: 'granted' }), 200);
  const open = await world.t.api.post('/api/v1/auth/register').send((await makeRegistration()).registerBody);

  expect(closed.status).toBe(403);
  expect(closed.body.error.code).toBe('registration_closed');
  expect(open.status).toBe(201);
});

test('when the default access is declined, then applications added from then on start declined and existing ones keep theirs', async () => {
  const editor = await world.member('editor', 'Adder');
  const before = expectStatus(await editor.api.post('/api/v1/applications').send({ name: 'Before', url: 'https://before.settings.example' }), 201)
    .body.application;

  expectStatus(await world.admin.api.put('/api/v1/admin/settings').send({ signupsOpen: true, defaultApplicationAccess: 'declined' }), 200);
  const after = expectStatus(await editor.api.post('/api/v1/applications').send({ name: 'After', url: 'https://after.settings.example' }), 201)
    .body.application;

  expect(before.access).toBe('granted');
  expect(after.access).toBe('declined');
  expect((await world.t.db.models.Application.findOne({ where: { uuid: before.id } }))!.access).toBe('granted');
});

test.each([
  ['a missing key', { signupsOpen: true }],
  ['an unknown key', { signupsOpen: true, defaultApplicationAccess: 'granted', theme: 'dark' }],
  ['a wrong type', { signupsOpen: 'yes', defaultApplicationAccess: 'granted' }],
  ['an unknown access state', { signupsOpen: true, defaultApplicationAccess: 'maybe' }],
])('when the settings carry %s, then 400 and nothing changes', async (_label, body) => {
  const before = await settingsRows();

  const response = await world.admin.api.put('/api/v1/admin/settings').send(body);

  expect(response.status).toBe(400);
  expect(await settingsRows()).toEqual(before);
});

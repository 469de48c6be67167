// Roles (DESIGN §7): reader (read, match, used), editor (+ own accounts, add applications), admin
// (+ catalogue, users, audit, settings). One table states who may call each route of the contract
// and how to call it successfully; from it, every route × {anonymous, reader, editor, admin} is
// tested: allowed → the success status, a role not allowed → 403, no token → 401. Meta-tests
// keep the table and the contract equal, and check that the app mounts every contract route.
// Finally, after all of that traffic, no audit row has been changed or removed.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { apiRoutes, type Role, type RouteContract } from '@secureaccess/shared/contract';
import { encodeBase64, makeRecoveryKit, randomBytes, sealLegacyPlaintext, wrapUserKey } from '@secureaccess/shared/crypto';
import { fullPath, verifyAuditChain } from '@secureaccess/server';
import type { Test } from 'supertest';
import { advertisedKdf, deriveTestKeys, makePasswordChange, makeRegistration, totpCode, uniqueEmail } from '../../helpers/auth';
import { sealAccount, sealUpdate } from '../vault/vault-fixtures';
import { expectStatus, startVaultWorld, type Member, type VaultWorld } from '../vault/vault-world';

type Who = Role | 'anonymous';
const roles: readonly Role[] = ['reader', 'editor', 'admin'];
const everyone = roles;
const editors: readonly Role[] = ['editor', 'admin'];
const admins: readonly Role[] = ['admin'];

/** What a request is sent with: the member's Bearer token, or none. */
interface Sender {
  get(url: string): Test;
  post(url: string): Test;
  put(url: string): Test;
  patch(url: string): Test;
  delete(url: string): Test;
}

interface RouteCase<T = unknown> {
  /** `public`: no token needed, and a token changes nothing. Otherwise the roles allowed. */
  allowed: 'public' | readonly Role[];
  /** The success status of `request`. */
  ok: number;
  /** Makes what a successful call needs (only run for callers that are allowed). */
  arrange?: (member: Member) => Promise<T>;
  /** Stands in for `arrange`'s result when the call is expected to be refused before it is looked at. */
  placeholder?: T;
  request: (send: Sender, member: Member, data: T) => Test;
}

let world: VaultWorld;
const shared = {} as Record<Role, Member>;

// ---- arrangements ------------------------------------------------------------------------------

/** An account of the member's own; readers cannot write, so the admin lets them for a moment. */
async function ownAccount(member: Member, options: { trashed?: boolean } = {}): Promise<string> {
  const setRole = async (role: Role) =>
    expectStatus(await world.admin.api.patch(`/api/v1/admin/users/${member.user.id}`).send({ role }), 200);
  if (member.role === 'reader') await setRole('editor');
  try {
    const body = await sealAccount(member.key);
    expectStatus(await member.api.post('/api/v1/accounts').send(body), 201);
    if (options.trashed) expectStatus(await member.api.delete(`/api/v1/accounts/${body.uuid}`), 204);
    return body.uuid;
  } finally {
    if (member.role === 'reader') await setRole('reader');
  }
}

async function newApplication(): Promise<string> {
  const url = `https://${randomUUID().slice(0, 8)}.matrix.example`;
  return expectStatus(await world.admin.api.post('/api/v1/applications').send({ name: 'Matrix', url }), 201).body.application.id;
}

/** A second session of the member's, to revoke. */
async function secondSession(member: Member): Promise<string> {
  await world.secondDevice(member);
  const sessions = expectStatus(await member.api.get('/api/v1/sessions'), 200).body.sessions as { id: string; current: boolean }[];
  return sessions.find((s) => !s.current)!.id;
}

async function setUpTotp(member: Member): Promise<string> {
  return expectStatus(await member.api.post('/api/v1/mfa/totp/setup').send({}), 200).body.secret as string;
}

/** TOTP on, enabled with the previous step's code so the current step is still unused. */
async function enableTotp(member: Member): Promise<{ secret: string; backupCodes: string[] }> {
  const secret = await setUpTotp(member);
  const code = totpCode(secret, world.t.clock.now(), -1);
  const { backupCodes } = expectStatus(await member.api.post('/api/v1/mfa/totp/enable').send({ code }), 200).body;
  return { secret, backupCodes };
}

async function recoveryResetBody(member: Member) {
  const salt = encodeBase64(randomBytes(16));
  const { authHash, wrapKey } = await deriveTestKeys(`recovered ${randomUUID()}`, salt);
  return {
    email: member.user.email,
    recoveryAuthHash: member.user.recoveryAuthHash,
    newAuthHash: authHash,
    newKdf: advertisedKdf,
    newSalt: salt,
    newWrappedUserKey: await wrapUserKey(wrapKey, member.user.userKey, member.user.keyVersion),
    newRecovery: (await makeRecoveryKit(member.user.userKey, member.user.keyVersion)).recovery,
  };
}

const someUuid = '00000000-0000-4000-8000-000000000000';

// ---- the table: one entry per contract route -------------------------------------------------------

const table: Record<string, RouteCase<any>> = {
  'GET /healthz': { allowed: 'public', ok: 200, request: (send) => send.get('/healthz') },
  'GET /readyz': { allowed: 'public', ok: 200, request: (send) => send.get('/readyz') },

  'POST /auth/prelogin': { allowed: 'public', ok: 200, request: (send, m) => send.post('/api/v1/auth/prelogin').send({ email: m.user.email }) },
  'POST /auth/register': {
    allowed: 'public',
    ok: 201,
    arrange: async () => (await makeRegistration({ email: uniqueEmail('matrix') })).registerBody,
    request: (send, _m, body) => send.post('/api/v1/auth/register').send(body),
  },
  'POST /auth/login': {
    allowed: 'public',
    ok: 200,
    request: (send, m) => send.post('/api/v1/auth/login').send({ email: m.user.email, authHash: m.user.authHash }),
  },
  'POST /auth/refresh': { allowed: 'public', ok: 200, request: (send, m) => send.post('/api/v1/auth/refresh').send({ refreshToken: m.refreshToken }) },
  'POST /auth/logout': { allowed: everyone, ok: 204, request: (send) => send.post('/api/v1/auth/logout').send({}) },
  'POST /auth/logout-all': { allowed: everyone, ok: 204, request: (send) => send.post('/api/v1/auth/logout-all').send({}) },
  'POST /auth/password': {
    allowed: everyone,
    ok: 204,
    arrange: async (m) => (await makePasswordChange(m.user, `new password ${randomUUID()}`)).body,
    placeholder: {},
    request: (send, _m, body) => send.post('/api/v1/auth/password').send(body),
  },
  'POST /auth/recovery/key': {
    allowed: 'public',
    ok: 200,
    request: (send, m) => send.post('/api/v1/auth/recovery/key').send({ email: m.user.email, recoveryAuthHash: m.user.recoveryAuthHash }),
  },
  'POST /auth/recovery/reset': {
    allowed: 'public',
    ok: 204,
    arrange: recoveryResetBody,
    request: (send, _m, body) => send.post('/api/v1/auth/recovery/reset').send(body),
  },
  'POST /auth/recovery/regenerate': {
    allowed: everyone,
    ok: 204,
    arrange: async (m) => ({ currentAuthHash: m.user.authHash, recovery: (await makeRecoveryKit(m.user.userKey, m.user.keyVersion)).recovery }),
    placeholder: {},
    request: (send, _m, body) => send.post('/api/v1/auth/recovery/regenerate').send(body),
  },
  'GET /me': { allowed: everyone, ok: 200, request: (send) => send.get('/api/v1/me') },
  'PATCH /me': { allowed: everyone, ok: 200, request: (send) => send.patch('/api/v1/me').send({ firstName: 'Renamed' }) },
  'GET /me/preferences': { allowed: everyone, ok: 200, request: (send) => send.get('/api/v1/me/preferences') },
  'PUT /me/preferences': {
    allowed: everyone,
    ok: 200,
    arrange: async (m) => expectStatus(await m.api.get('/api/v1/me/preferences'), 200).body.preferences,
    placeholder: {},
    request: (send, _m, preferences) => send.put('/api/v1/me/preferences').send({ ...preferences, theme: 'dark' }),
  },

  'GET /sessions': { allowed: everyone, ok: 200, request: (send) => send.get('/api/v1/sessions') },
  'DELETE /sessions/:id': {
    allowed: everyone,
    ok: 204,
    arrange: secondSession,
    placeholder: someUuid,
    request: (send, _m, id) => send.delete(`/api/v1/sessions/${id}`),
  },

  'POST /mfa/totp/setup': { allowed: everyone, ok: 200, request: (send) => send.post('/api/v1/mfa/totp/setup').send({}) },
  'POST /mfa/totp/enable': {
    allowed: everyone,
    ok: 200,
    arrange: async (m) => totpCode(await setUpTotp(m), world.t.clock.now()),
    placeholder: '000000',
    request: (send, _m, code) => send.post('/api/v1/mfa/totp/enable').send({ code }),
  },
  'POST /mfa/totp/disable': {
    allowed: everyone,
    ok: 204,
    arrange: async (m) => (await enableTotp(m)).backupCodes[0],
    placeholder: '000000',
    request: (send, _m, code) => send.post('/api/v1/mfa/totp/disable').send({ code }),
  },
  'POST /mfa/backup-codes/regenerate': {
    allowed: everyone,
    ok: 200,
    arrange: async (m) => totpCode((await enableTotp(m)).secret, world.t.clock.now()),
    placeholder: '000000',
    request: (send, _m, code) => send.post('/api/v1/mfa/backup-codes/regenerate').send({ code }),
  },

  'GET /accounts': { allowed: everyone, ok: 200, request: (send) => send.get('/api/v1/accounts') },
  'POST /accounts': {
    allowed: editors,
    ok: 201,
    arrange: (m) => sealAccount(m.key),
    request: (send, _m, body) => send.post('/api/v1/accounts').send(body),
  },
  'POST /accounts/bulk': {
    allowed: editors,
    ok: 201,
    arrange: async (m) => [await sealAccount(m.key), await sealAccount(m.key)],
    request: (send, _m, accounts) => send.post('/api/v1/accounts/bulk').send({ accounts }),
  },
  'POST /accounts/encrypt-legacy': {
    allowed: everyone,
    ok: 200,
    arrange: async (m) => {
      // A v1 row (url in clear, as the v1.1 migration leaves it), upgraded by its owner.
      const uuid = await ownAccount(m);
      await world.t.db.models.StoredAccount.update({ legacyUrl: 'https://v1.matrix.example' }, { where: { uuid } });
      return sealLegacyPlaintext(m.key.userKey, m.key.keyVersion, { uuid, revision: 1, legacyPlaintext: { url: 'https://v1.matrix.example', folder: null } });
    },
    placeholder: { uuid: someUuid, revision: 1, url: null, folder: null },
    request: (send, _m, upgrade) => send.post('/api/v1/accounts/encrypt-legacy').send({ accounts: [upgrade] }),
  },
  'GET /accounts/:uuid': { allowed: everyone, ok: 200, arrange: (m) => ownAccount(m), placeholder: someUuid, request: (send, _m, uuid) => send.get(`/api/v1/accounts/${uuid}`) },
  'PUT /accounts/:uuid': {
    allowed: editors,
    ok: 200,
    arrange: async (m) => {
      const uuid = await ownAccount(m);
      return { uuid, body: await sealUpdate(m.key, uuid) };
    },
    placeholder: { uuid: someUuid, body: {} },
    request: (send, _m, data: { uuid: string; body: object }) => send.put(`/api/v1/accounts/${data.uuid}`).set('If-Match', '"1"').send(data.body),
  },
  'DELETE /accounts/:uuid': { allowed: editors, ok: 204, arrange: (m) => ownAccount(m), placeholder: someUuid, request: (send, _m, uuid) => send.delete(`/api/v1/accounts/${uuid}`) },
  'POST /accounts/:uuid/restore': {
    allowed: editors,
    ok: 200,
    arrange: (m) => ownAccount(m, { trashed: true }),
    placeholder: someUuid,
    request: (send, _m, uuid) => send.post(`/api/v1/accounts/${uuid}/restore`).send({}),
  },
  'POST /accounts/:uuid/used': {
    allowed: everyone,
    ok: 200,
    arrange: (m) => ownAccount(m),
    placeholder: someUuid,
    request: (send, _m, uuid) => send.post(`/api/v1/accounts/${uuid}/used`).send({}),
  },

  'GET /applications': { allowed: everyone, ok: 200, request: (send) => send.get('/api/v1/applications') },
  'POST /applications/match': { allowed: everyone, ok: 200, request: (send) => send.post('/api/v1/applications/match').send({ url: 'https://matrix.example/' }) },
  'POST /applications': {
    allowed: editors,
    ok: 201,
    request: (send) => send.post('/api/v1/applications').send({ name: 'Matrix app', url: `https://${randomUUID().slice(0, 8)}.matrix.example` }),
  },
  'PATCH /applications/:id': {
    allowed: admins,
    ok: 200,
    arrange: newApplication,
    placeholder: someUuid,
    request: (send, _m, id) => send.patch(`/api/v1/applications/${id}`).send({ access: 'declined' }),
  },
  'DELETE /applications/:id': { allowed: admins, ok: 204, arrange: newApplication, placeholder: someUuid, request: (send, _m, id) => send.delete(`/api/v1/applications/${id}`) },

  'GET /admin/users': { allowed: admins, ok: 200, request: (send) => send.get('/api/v1/admin/users?limit=5') },
  'PATCH /admin/users/:id': {
    allowed: admins,
    ok: 200,
    arrange: async () => (await world.member('editor', 'Target')).user.id,
    placeholder: someUuid,
    request: (send, _m, id) => send.patch(`/api/v1/admin/users/${id}`).send({ role: 'reader' }),
  },
  'GET /admin/audit': { allowed: admins, ok: 200, request: (send) => send.get('/api/v1/admin/audit?limit=5') },
  'GET /admin/audit/verify': { allowed: admins, ok: 200, request: (send) => send.get('/api/v1/admin/audit/verify') },
  'GET /admin/settings': { allowed: admins, ok: 200, request: (send) => send.get('/api/v1/admin/settings') },
  'PUT /admin/settings': {
    allowed: admins,
    ok: 200,
    request: (send) => send.put('/api/v1/admin/settings').send({ signupsOpen: true, defaultApplicationAccess: 'granted' }),
  },

  'GET /audit': { allowed: everyone, ok: 200, request: (send) => send.get('/api/v1/audit?limit=5') },
};

// ---- the matrix ----------------------------------------------------------------------------------

function routeKey(route: RouteContract): string {
  return `${route.method.toUpperCase()} ${route.path}`;
}

function expectation(entry: RouteCase, who: Who): number | 401 | 403 {
  if (entry.allowed === 'public') return entry.ok;
  if (who === 'anonymous') return 401;
  return entry.allowed.includes(who) ? entry.ok : 403;
}

const anonymousSender = (): Sender => ({
  get: (url) => world.t.api.get(url),
  post: (url) => world.t.api.post(url),
  put: (url) => world.t.api.put(url),
  patch: (url) => world.t.api.patch(url),
  delete: (url) => world.t.api.delete(url),
});

const cases = Object.entries(table).flatMap(([key, entry]) =>
  (['anonymous', ...roles] as Who[]).map((who) => ({ key, who, entry, status: expectation(entry, who) })),
);

let auditSnapshot: Record<string, unknown>[];

async function snapshotAudit() {
  const rows = await world.t.db.models.AuditLog.findAll({ order: [['id', 'ASC']] });
  return rows.map((row) => row.toJSON() as Record<string, unknown>);
}

beforeAll(async () => {
  world = await startVaultWorld();
  for (const role of roles) shared[role] = role === 'admin' ? await world.member('admin', 'Shared') : await world.member(role, 'Shared');
  auditSnapshot = await snapshotAudit();
}, 60_000);
afterAll(async () => {
  await world.close();
});

describe('role matrix', () => {
  test.each(cases.map((c) => [c.who, c.key, c.status, c] as const))(
    'when %s calls %s, then %s',
    async (_who, _key, status, { who, entry }) => {
      const allowed = status !== 401 && status !== 403;
      // Allowed callers get a member of their own (calls may log out, change passwords…);
      // anonymous callers of public routes act for a fresh editor.
      const member = allowed ? await world.member(who === 'anonymous' ? 'editor' : who, 'Matrix') : shared[who === 'anonymous' ? 'editor' : who];
      // Refused callers send the same kind of request: arranged for them when that needs no rights.
      const data = entry.arrange && (allowed || entry.placeholder === undefined) ? await entry.arrange(member) : entry.placeholder;
      const send = who === 'anonymous' ? anonymousSender() : member.api;

      const response = await entry.request(send, member, data);

      expect({ status: response.status, body: status === 401 || status === 403 ? response.body.error?.code : undefined }).toEqual({
        status,
        body: status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : undefined,
      });
    },
  );
});

describe('meta', () => {
  test('when the table is compared with the contract, then every route has exactly one entry', () => {
    expect(Object.keys(table).sort()).toEqual(apiRoutes.map(routeKey).sort());
  });

  test('when every contract route is called without a token, then the app answers from a mounted route (never 404 no-route or 405)', async () => {
    for (const route of apiRoutes) {
      const url = fullPath(route).replace(/:[a-z]+/gi, someUuid);
      const call = anonymousSender()[route.method](url);
      const response = route.method === 'get' || route.method === 'delete' ? await call : await call.send({});
      const unmounted = response.status === 405 || (response.status === 404 && /^No route/.test(response.body.error?.message ?? ''));
      expect({ route: routeKey(route), unmounted, ...(route.auth === 'bearer' ? { status: response.status } : {}) }).toEqual({
        route: routeKey(route),
        unmounted: false,
        ...(route.auth === 'bearer' ? { status: 401 } : {}),
      });
    }
  });
});

describe('the audit log under all of that', () => {
  test('when every route has been called by every role, then no audit row was changed or removed and the chain verifies', async () => {
    const after = await snapshotAudit();

    expect(after.length).toBeGreaterThan(auditSnapshot.length);
    expect(after.slice(0, auditSnapshot.length)).toEqual(auditSnapshot);
    expect(await verifyAuditChain(world.t.db)).toEqual({ ok: true, checked: after.length });
  });

  test('when the server source is read, then nothing in it updates, deletes or truncates audit rows', () => {
    const serverSrc = path.resolve(__dirname, '..', '..', '..', 'server', 'src');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (full.endsWith('.ts')) files.push(full);
      }
    };
    walk(serverSrc);
    const forbidden = [
      /AuditLog\s*\.\s*(update|destroy|upsert|truncate|increment|decrement|bulkCreate\([^)]*updateOnDuplicate)/,
      /\b(UPDATE|DELETE\s+FROM|TRUNCATE(\s+TABLE)?)\s+`?audit_log\b/i,
    ];
    const offenders = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (forbidden.some((pattern) => pattern.test(line)) ? [`${path.relative(serverSrc, file)}:${i + 1}: ${line.trim()}`] : [])),
    );

    expect(files.length).toBeGreaterThan(10);
    expect(offenders).toEqual([]);
  });
});

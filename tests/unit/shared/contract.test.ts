import {
  apiRoutes,
  bulkCreateAccountsBodySchema,
  changePasswordBodySchema,
  createAccountBodySchema,
  emailSchema,
  envelopeSchema,
  errorBodySchema,
  ErrorCode,
  formatRevisionEtag,
  kdfParamsSchema,
  kdfSaltSchema,
  loginBodySchema,
  matchStrategySchema,
  maxApplicationPatternLength,
  parseIfMatchRevision,
  registerBodySchema,
  routeJsonSchemas,
  routesByComponent,
  updateAccountBodySchema,
  updateApplicationBodySchema,
  wrappedUserKeySchema,
  type RouteContract,
} from '@secureaccess/shared/contract';
import { matchStrategies, maxMatchPatternLength } from '@secureaccess/shared/matcher';

// Valid building blocks: 12-byte nonce (16 chars), 16-byte tag (24 chars), 32-byte ct (44 chars).
const nonce = 'AAECAwQFBgcICQoL';
const tag = 'AAECAwQFBgcICQoLDA0ODw==';
const ct32 = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const envelope = { v: 1, alg: 'A256GCM', kid: 1, nonce, ct: 'aGVsbG8=', tag };
const wrappedKey = { ...envelope, ct: ct32 };
const authHash = ct32;
const salt = 'AAECAwQFBgcICQoLDA0ODw==';
const argon2 = { algorithm: 'argon2id', memoryKiB: 65536, iterations: 3, parallelism: 4 };
const uuid = '0b6f2a8e-5c1d-4e2f-9a3b-7c8d9e0f1a2b';

const registerBody = {
  email: 'alice@example.com',
  firstName: 'Alice',
  lastName: 'Liddell',
  authHash,
  kdf: argon2,
  salt,
  wrappedUserKey: wrappedKey,
  recovery: { authHash, wrappedUserKey: wrappedKey },
};

function issuesOf(schema: { safeParse(value: unknown): { success: boolean; error?: { issues: { code: string }[] } } }, value: unknown) {
  const result = schema.safeParse(value);
  return result.success ? [] : (result.error?.issues ?? []);
}

describe('route catalogue', () => {
  const expected = [
    'post /auth/prelogin', 'post /auth/register', 'post /auth/login', 'post /auth/refresh',
    'post /auth/logout', 'post /auth/logout-all', 'post /auth/password', 'get /me', 'patch /me',
    'get /me/preferences', 'put /me/preferences', 'get /sessions', 'delete /sessions/:id',
    'post /mfa/totp/setup', 'post /mfa/totp/enable', 'post /mfa/totp/disable',
    'post /mfa/backup-codes/regenerate', 'get /accounts', 'post /accounts', 'post /accounts/bulk',
    'get /accounts/:uuid', 'put /accounts/:uuid', 'delete /accounts/:uuid',
    'post /accounts/:uuid/restore', 'post /accounts/:uuid/used', 'get /applications',
    'post /applications/match', 'post /applications', 'patch /applications/:id',
    'delete /applications/:id', 'get /admin/users', 'patch /admin/users/:id', 'get /admin/audit',
    'get /admin/settings', 'put /admin/settings', 'get /audit', 'get /healthz', 'get /readyz',
  ];

  it('when listing apiRoutes, then every route of DESIGN §7 is there exactly once', () => {
    const keys = apiRoutes.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(expect.arrayContaining(expected));
  });

  it('when a component defines a route, then apiRoutes lists it', () => {
    const grouped = Object.values(routesByComponent).flatMap((g) => Object.values(g) as RouteContract[]);
    expect(apiRoutes).toHaveLength(grouped.length);
    for (const route of grouped) expect(apiRoutes).toContain(route);
  });

  it.each(apiRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))(
    'when %s declares path parameters, then its params schema has exactly those keys',
    (_name, route) => {
      const names = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]);
      const params = route.request?.params;
      if (names.length === 0) return expect(params).toBeUndefined();
      const json = routeJsonSchemas(route).request.params as { properties: Record<string, unknown> };
      expect(Object.keys(json.properties).sort()).toEqual(names.sort());
    },
  );

  it('when a route is only for some roles, then the roles are valid and admin is always among them', () => {
    for (const route of apiRoutes) {
      if (route.auth === 'none') expect(route.roles).toBeUndefined();
      if (route.roles) expect(route.roles).toContain('admin');
    }
    expect(routesByComponent.admin.listUsers.roles).toEqual(['admin']);
    expect(routesByComponent.accounts.create.roles).toEqual(['editor', 'admin']);
    expect(routesByComponent.accounts.list.roles).toEqual(['reader', 'editor', 'admin']);
    expect(routesByComponent.applications.update.roles).toEqual(['admin']);
  });
});

describe('JSON schema generation (OpenAPI)', () => {
  type JsonNode = { [key: string]: unknown };
  // Every object node must refuse unknown properties (headers excepted: clients send many).
  function collectOpenObjects(node: unknown, path: string, out: string[]) {
    if (Array.isArray(node)) return node.forEach((n, i) => collectOpenObjects(n, `${path}[${i}]`, out));
    if (node === null || typeof node !== 'object') return;
    const obj = node as JsonNode;
    const isRecord = obj.propertyNames !== undefined || (typeof obj.additionalProperties === 'object' && obj.properties === undefined);
    if (obj.type === 'object' && !isRecord && obj.additionalProperties !== false) out.push(path);
    for (const [k, v] of Object.entries(obj)) collectOpenObjects(v, `${path}.${k}`, out);
  }

  it('when an object schema is open, then the closed-object check reports it', () => {
    const open: string[] = [];
    collectOpenObjects(routeJsonSchemas(routesByComponent.accounts.update).request, 'request', open);
    expect(open).toEqual(['request.headers']);
  });

  it.each(apiRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))(
    'when converting %s, then every request and response schema converts and objects are closed',
    (_name, route) => {
      const { request, responses } = routeJsonSchemas(route);
      expect(Object.keys(request).sort()).toEqual(Object.keys(route.request ?? {}).sort());
      expect(Object.keys(responses).sort()).toEqual(Object.keys(route.responses).sort());
      const open: string[] = [];
      const { headers: _headers, ...closedParts } = request;
      collectOpenObjects(closedParts, 'request', open);
      collectOpenObjects(responses, 'responses', open);
      expect(open).toEqual([]);
    },
  );
});

describe('unknown fields', () => {
  it('when a request body has an extra top-level field, then it is refused', () => {
    expect(registerBodySchema.safeParse(registerBody).success).toBe(true);
    expect(issuesOf(registerBodySchema, { ...registerBody, role: 'admin' })[0]?.code).toBe('unrecognized_keys');
  });

  it('when a nested object has an extra field, then it is refused', () => {
    const nested = { ...registerBody, kdf: { ...argon2, secret: 1 } };
    expect(registerBodySchema.safeParse(nested).success).toBe(false);
    const device = { email: 'a@b.co', authHash, device: { name: 'x', type: 'extension', os: 'linux' } };
    expect(loginBodySchema.safeParse(device).success).toBe(false);
  });

  it('when an account body carries server-owned fields, then it is refused', () => {
    const body = { uuid, username: envelope, password: envelope };
    expect(createAccountBodySchema.safeParse(body).success).toBe(true);
    expect(createAccountBodySchema.safeParse({ ...body, revision: 3 }).success).toBe(false);
    expect(updateAccountBodySchema.safeParse({ username: envelope, password: envelope, uuid }).success).toBe(false);
  });
});

describe('envelopes', () => {
  it('when an envelope is well formed, then it is accepted, empty ciphertext included', () => {
    expect(envelopeSchema.parse(envelope)).toEqual(envelope);
    expect(envelopeSchema.safeParse({ ...envelope, ct: '' }).success).toBe(true);
  });

  it.each([
    ['version 2', { v: 2 }],
    ['another algorithm', { alg: 'A128GCM' }],
    ['kid 0', { kid: 0 }],
    ['a fractional kid', { kid: 1.5 }],
    ['an 11-byte nonce', { nonce: 'AAECAwQFBgcICQo=' }],
    ['a 15-byte nonce', { nonce: 'AAECAwQFBgcICQoLDA0O' }],
    ['a nonce in base64url', { nonce: 'AAECAwQFBgcICQo-' }],
    ['a 15-byte tag', { tag: 'AAECAwQFBgcICQoLDA0O' }],
    ['a tag without padding', { tag: 'AAECAwQFBgcICQoLDA0ODw' }],
    ['a tag with non-zero trailing bits', { tag: 'AAECAwQFBgcICQoLDA0ODx==' }],
    ['ciphertext with whitespace', { ct: 'aGVs bG8=' }],
    ['ciphertext without padding', { ct: 'aGVsbG8' }],
    ['ciphertext over 64 KiB', { ct: 'A'.repeat(87_384 + 4) }],
    ['an extra field', { aad: 'x' }],
  ])('when an envelope has %s, then it is refused', (_name, change) => {
    expect(envelopeSchema.safeParse({ ...envelope, ...change }).success).toBe(false);
  });

  it('when a field is missing, then the envelope is refused', () => {
    for (const key of Object.keys(envelope)) {
      const partial: Record<string, unknown> = { ...envelope };
      delete partial[key];
      expect(envelopeSchema.safeParse(partial).success).toBe(false);
    }
  });

  it('when a wrapped user key is not 32 bytes of ciphertext, then it is refused', () => {
    expect(wrappedUserKeySchema.safeParse(wrappedKey).success).toBe(true);
    expect(wrappedUserKeySchema.safeParse(envelope).success).toBe(false);
    expect(changePasswordBodySchema.safeParse({ currentAuthHash: authHash, newAuthHash: authHash, newWrappedUserKey: envelope }).success).toBe(false);
  });
});

describe('KDF parameters', () => {
  it('when parameters are at the minimums, then they are accepted', () => {
    expect(kdfParamsSchema.safeParse(argon2).success).toBe(true);
    expect(kdfParamsSchema.safeParse({ algorithm: 'pbkdf2-sha256', iterations: 600_000 }).success).toBe(true);
  });

  it.each([
    ['argon2id memory 65535 KiB', { ...argon2, memoryKiB: 65_535 }],
    ['argon2id 2 iterations', { ...argon2, iterations: 2 }],
    ['argon2id parallelism 0', { ...argon2, parallelism: 0 }],
    ['argon2id memory above 1 GiB', { ...argon2, memoryKiB: 1_048_577 }],
    ['argon2id 65 iterations', { ...argon2, iterations: 65 }],
    ['argon2id fractional memory', { ...argon2, memoryKiB: 65_536.5 }],
    ['argon2id memory as a string', { ...argon2, memoryKiB: '65536' }],
    ['pbkdf2 599999 iterations', { algorithm: 'pbkdf2-sha256', iterations: 599_999 }],
    ['pbkdf2 above 10 million', { algorithm: 'pbkdf2-sha256', iterations: 10_000_001 }],
    ['pbkdf2 with argon2 fields', { algorithm: 'pbkdf2-sha256', iterations: 600_000, memoryKiB: 65_536 }],
    ['an unknown algorithm', { algorithm: 'scrypt', iterations: 600_000 }],
  ])('when the KDF is %s, then it is refused', (_name, kdf) => {
    expect(kdfParamsSchema.safeParse(kdf).success).toBe(false);
    expect(registerBodySchema.safeParse({ ...registerBody, kdf }).success).toBe(false);
  });

  it('when the salt is shorter than 16 or longer than 64 bytes, then it is refused', () => {
    expect(kdfSaltSchema.safeParse('AAECAwQFBgcICQoLDA0O').success).toBe(false); // 15 bytes
    expect(kdfSaltSchema.safeParse(salt).success).toBe(true); // 16 bytes
    expect(kdfSaltSchema.safeParse(`${'A'.repeat(86)}==`).success).toBe(true); // 64 bytes
    expect(kdfSaltSchema.safeParse('A'.repeat(88)).success).toBe(false); // 66 bytes
  });
});

describe('emails', () => {
  it('when an email has spaces, capitals and decomposed accents, then it is trimmed, lower-cased and NFC', () => {
    expect(emailSchema.parse('  Zoe\u0301@Example.COM ')).toBe('zo\u00e9@example.com');
  });

  it.each(['plain', 'a@b', '@example.com', 'a@.com', 'a b@example.com', 'a@@example.com', 'a..b@example.com', '"a"@example.com', 'a@example.c'])(
    'when the email is %j, then it is refused',
    (email) => {
      expect(emailSchema.safeParse(email).success).toBe(false);
    },
  );

  it('when an email is longer than 254 characters after trimming, then it is refused', () => {
    const local = 'a'.repeat(64);
    const domain = `${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com`; // 255 − 65 = 190+
    expect(emailSchema.safeParse(`${local}@${domain}`).success).toBe(false);
    expect(emailSchema.safeParse(`  ${local}@${'b'.repeat(63)}.com  `).success).toBe(true);
  });
});

describe('accounts', () => {
  const item = (u: string) => ({ uuid: u, username: envelope, password: envelope });
  const uuids = Array.from({ length: 1001 }, (_, i) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`);

  it('when a bulk create carries 1000 accounts, then it is accepted, and 1001 are refused', () => {
    expect(bulkCreateAccountsBodySchema.safeParse({ accounts: uuids.slice(0, 1000).map(item) }).success).toBe(true);
    expect(bulkCreateAccountsBodySchema.safeParse({ accounts: uuids.map(item) }).success).toBe(false);
  });

  it('when a bulk create repeats a uuid, then it is refused', () => {
    expect(bulkCreateAccountsBodySchema.safeParse({ accounts: [item(uuid), item(uuid)] }).success).toBe(false);
  });

  it('when an account uuid is upper-case, then it is refused (it is part of the associated data)', () => {
    expect(createAccountBodySchema.safeParse(item(uuid.toUpperCase())).success).toBe(false);
  });

  it('when If-Match carries a revision, then it parses with or without quotes, and garbage gives null', () => {
    expect(parseIfMatchRevision(formatRevisionEtag(7))).toBe(7);
    expect(parseIfMatchRevision('12')).toBe(12);
    expect(parseIfMatchRevision('W/"3"')).toBe(3);
    expect(parseIfMatchRevision(undefined)).toBeNull();
    expect(parseIfMatchRevision('*')).toBeNull();
    expect(parseIfMatchRevision('"0"')).toBeNull();
  });
});

describe('applications', () => {
  it('when comparing with the shared matcher, then strategy names and pattern limits agree', () => {
    expect([...matchStrategySchema.options].sort()).toEqual([...matchStrategies].sort());
    expect(maxApplicationPatternLength).toBe(maxMatchPatternLength);
  });

  it('when a PATCH body is empty, then it is refused', () => {
    expect(updateApplicationBodySchema.safeParse({}).success).toBe(false);
    expect(updateApplicationBodySchema.safeParse({ access: 'declined' }).success).toBe(true);
  });
});

describe('errors', () => {
  it('when listing error codes, then each is snake_case, unique and accepted by the error body schema', () => {
    const codes = Object.values(ErrorCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) {
      expect(errorBodySchema.safeParse({ error: { code, message: 'm' } }).success).toBe(true);
    }
    expect(codes).toEqual(expect.arrayContaining([
      'invalid_credentials', 'mfa_required', 'invalid_mfa_code', 'account_locked', 'invalid_refresh_token',
      'refresh_token_reused', 'password_reused', 'registration_closed', 'unauthorized', 'forbidden',
      'revision_conflict', 'precondition_required', 'access_declined', 'conflict',
    ]));
  });
});

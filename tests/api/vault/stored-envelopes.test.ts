// Stored envelope text in answers (server/src/components/accounts/account-store.ts, accountJson):
// text in the exact form the API writes is spliced into the answer as it is; any other text is
// parsed and checked against the contract, served re-serialised if it passes and refused with a
// 500 naming the account otherwise. The property suite holds the splice to what parsing would give;
// the API suite runs with response validation off, as production does, so that only accountJson
// stands between a damaged row and the client.
import { randomUUID } from 'node:crypto';
import { accountSchema, secretFields, secretFieldSpecs, type Account, type SecretField } from '@secureaccess/shared/contract';
import { encodeBase64 } from '@secureaccess/shared/crypto';
import { accountJson, encryptedColumn, type AccountRecord } from '@secureaccess/server';
import fc from 'fast-check';
import { sealAccount } from './vault-fixtures';
import { expectStatus, startVaultWorld, type Member, type VaultWorld } from './vault-world';

const runs = Number(process.env.FUZZ_RUNS ?? 300);

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max }).map(encodeBase64);
const envelopeArb = (maxBytes: number) =>
  fc.record({
    v: fc.constant(1),
    alg: fc.constant('A256GCM'),
    kid: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 2_147_483_647 })),
    nonce: bytes(12, 12),
    ct: fc.oneof(bytes(0, 64), bytes(Math.max(0, maxBytes - 3), maxBytes)),
    tag: bytes(16, 16),
  });

const fieldAndEnvelope = fc
  .constantFrom(...secretFields)
  .chain((field) => fc.tuple(fc.constant(field), envelopeArb(secretFieldSpecs[field].maxBytes)));

/** A row whose every secret field is `text` for `field` and a valid envelope elsewhere. */
function rowWith(field: SecretField, text: string | null, others: Record<SecretField, string>): AccountRecord {
  const row: Record<string, unknown> = {
    uuid: randomUUID(),
    revision: 3,
    createdAt: new Date('2026-01-02T03:04:05.678Z'),
    updatedAt: new Date('2026-02-03T04:05:06.789Z'),
    lastAccessedAt: null,
    deletedAt: null,
    application: null,
  };
  for (const f of secretFields) row[encryptedColumn(f)] = f === field ? text : others[f];
  return row as unknown as AccountRecord;
}

/** What the field must come out as: the contract's parse of the stored text, or a refusal. */
function expectedField(field: SecretField, text: string | null): { value: unknown } | 'refused' {
  if (text === null || text === '') return secretFieldSpecs[field].required ? 'refused' : { value: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'refused';
  }
  const checked = accountSchema.shape[field].safeParse(parsed);
  return checked.success && checked.data !== null ? { value: checked.data } : 'refused';
}

function served(row: AccountRecord): { text: string } | 'refused' {
  try {
    return { text: accountJson(row).text };
  } catch (error) {
    expect((error as Error).message).toContain(`stored account ${row.uuid}`);
    return 'refused';
  }
}

describe('accountJson on stored envelope text', () => {
  const valid = Object.fromEntries(
    secretFields.map((f) => [f, JSON.stringify({ v: 1, alg: 'A256GCM', kid: 1, nonce: 'AAAAAAAAAAAAAAAA', ct: 'AAAA', tag: 'AAAAAAAAAAAAAAAAAAAAAA==' })]),
  ) as Record<SecretField, string>;

  test('when the text is what the API writes for a valid envelope, then it is spliced in as it is and the account matches the contract', () => {
    fc.assert(
      fc.property(fieldAndEnvelope, ([field, envelope]) => {
        const text = JSON.stringify(accountSchema.shape[field].parse(envelope));
        const out = served(rowWith(field, text, valid));
        expect(out).not.toBe('refused');
        const json = (out as { text: string }).text;
        expect(json).toContain(`"${field}":${text}`);
        const account = JSON.parse(json) as Account;
        expect(accountSchema.safeParse(account).success).toBe(true);
        expect(account[field]).toEqual(envelope);
      }),
      { numRuns: runs },
    );
  });

  test('when the text is anything else (damaged, reordered, spaced, another shape), then it is served exactly as the contract parses it, or refused', () => {
    const damage = fc.oneof(
      // one character of a valid text replaced: quotes, backslashes, padding, digits, letters
      fc.tuple(envelopeArb(400), fc.nat(), fc.constantFrom('"', '\\', '=', '0', '9', 'A', 'B', '/', '+', ' ', '}', ',', '\u0000')).map(([e, at, c]) => {
        const text = JSON.stringify(e);
        const i = at % text.length;
        return text.slice(0, i) + c + text.slice(i + 1);
      }),
      // non-canonical base64: the last data character of a padded ciphertext or of the tag replaced
      fc
        .tuple(envelopeArb(400), fc.constantFrom('ct' as const, 'tag' as const), fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'))
        .map(([e, key, c]) => {
          const value = e[key];
          const end = value.replace(/=+$/, '').length;
          return JSON.stringify({ ...e, [key]: end === 0 ? value : value.slice(0, end - 1) + c + value.slice(end) });
        }),
      // base64 of a length that is not a multiple of 4: one character of the ciphertext dropped or doubled
      fc.tuple(envelopeArb(400), fc.nat(), fc.boolean()).map(([e, at, drop]) => {
        if (e.ct.length === 0) return JSON.stringify(e);
        const i = at % e.ct.length;
        return JSON.stringify({ ...e, ct: e.ct.slice(0, i) + (drop ? '' : e.ct[i]!) + e.ct.slice(i) });
      }),
      // valid envelopes written in another form
      envelopeArb(400).map((e) => JSON.stringify(e, null, 1)),
      envelopeArb(400).map((e) => JSON.stringify(Object.fromEntries(Object.entries(e).reverse()))),
      envelopeArb(400).map((e) => JSON.stringify({ ...e, extra: 1 })),
      envelopeArb(400).map((e) => JSON.stringify({ ...e, kid: 1_000_000_000 + (e.kid % 1_000_000_000) })),
      envelopeArb(9_000).map((e) => JSON.stringify(e)), // over the small fields' limits
      fc.constantFrom('', 'null', '[]', '{}', '"text"', '{"v":1}', 'not json at all'),
      fc.string({ maxLength: 60 }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...secretFields), damage, (field, text) => {
        const row = rowWith(field, text, valid);
        const expected = expectedField(field, text);
        const out = served(row);
        if (expected === 'refused') {
          expect(out).toBe('refused');
          return;
        }
        expect(out).not.toBe('refused');
        const account = JSON.parse((out as { text: string }).text) as Account;
        expect(accountSchema.safeParse(account).success).toBe(true);
        expect(account[field]).toEqual(expected.value);
      }),
      { numRuns: runs },
    );
  });
});

describe('a damaged account row, with response validation off (as in production)', () => {
  let world: VaultWorld;
  let alice: Member;
  beforeAll(async () => {
    world = await startVaultWorld({ env: { VALIDATE_RESPONSES: 'false' } });
    alice = await world.member('editor', 'Alice');
  });
  afterAll(async () => {
    await world.close();
  });

  async function storeAccount() {
    const body = await sealAccount(alice.key, { url: 'https://bank.example/login', folder: 'Banking' });
    expectStatus(await alice.api.post('/api/v1/accounts').send(body), 201);
    return body;
  }
  const setStored = (uuid: string, field: SecretField, text: string | null) =>
    world.t.db.models.StoredAccount.update({ [encryptedColumn(field)]: text }, { where: { uuid } });
  const remove = (uuid: string) => world.t.db.models.StoredAccount.destroy({ where: { uuid } });

  test.each([
    ['text that is not JSON', 'password' as const, '{"v":1,"alg":"A256GCM",'],
    ['JSON that is not an envelope', 'password' as const, '{"v":1}'],
    ['an envelope with a quote spliced into its ciphertext', 'url' as const, '{"v":1,"alg":"A256GCM","kid":1,"nonce":"AAAAAAAAAAAAAAAA","ct":"AA"A","tag":"AAAAAAAAAAAAAAAAAAAAAA=="}'],
    ['an empty required field', 'username' as const, ''],
  ])('when a stored envelope holds %s, then the list answers 500 with a request id, and the log names the account and the field', async (_label, field, text) => {
    const body = await storeAccount();
    await setStored(body.uuid, field, text);
    world.t.logs.clear();

    const response = await alice.api.get('/api/v1/accounts');

    expect(response.status).toBe(500);
    expect(response.body.error).toMatchObject({ code: 'internal_error', requestId: expect.any(String) });
    if (text) expect(response.text).not.toContain(text);
    const failure = world.t.logs.records().find((r) => r.msg === 'request failed');
    expect(JSON.stringify(failure)).toContain(`stored account ${body.uuid}: ${field} is not valid`);
    await remove(body.uuid);
  });

  test('when a stored envelope is valid but not in the form the API writes (spaces, another key order), then the list serves it as the contract\'s envelope', async () => {
    const body = await storeAccount();
    const envelope = body.password;
    await setStored(body.uuid, 'password', JSON.stringify(Object.fromEntries(Object.entries(envelope).reverse()), null, 2));

    const response = expectStatus(await alice.api.get('/api/v1/accounts'), 200);

    const account = (response.body.accounts as Account[]).find((a) => a.uuid === body.uuid)!;
    expect(account.password).toEqual(envelope);
    expect(response.text).toContain(`"password":${JSON.stringify(envelope)}`);
    expect(accountSchema.safeParse(account).success).toBe(true);
    await remove(body.uuid);
  });

  test('when the rows are as the API wrote them, then the list holds each account as the single-account routes answer it', async () => {
    const first = await storeAccount();
    const second = await storeAccount();
    expectStatus(await alice.api.delete(`/api/v1/accounts/${second.uuid}`), 204);

    const response = expectStatus(await alice.api.get('/api/v1/accounts'), 200);

    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    const accounts = response.body.accounts as Account[];
    expect(accounts.map((a) => a.uuid)).toEqual([first.uuid, second.uuid]);
    for (const account of accounts) expect(accountSchema.safeParse(account).success).toBe(true);
    const restored = expectStatus(await alice.api.post(`/api/v1/accounts/${second.uuid}/restore`), 200).body.account as Account;
    const { accounts: after } = expectStatus(await alice.api.get('/api/v1/accounts'), 200).body as { accounts: Account[] };
    expect(after.find((a) => a.uuid === second.uuid)).toEqual(restored);
    expect(after[0]).toEqual(accounts[0]);
    expect(accounts[1]).toMatchObject({ uuid: second.uuid, deletedAt: expect.any(String) });
    await remove(first.uuid);
    await remove(second.uuid);
  });
});

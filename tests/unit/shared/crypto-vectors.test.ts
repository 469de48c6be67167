import vectors from '@secureaccess/shared/test-vectors/protocol-v1.json';
import { secretFields } from '@secureaccess/shared/contract';
import {
  decryptField,
  deriveKeys,
  deriveKeysUnsafeForTests,
  deriveRecoveryKeys,
  encodePassword,
  encryptField,
  formatRecoveryCode,
  fromHex,
  normalizeEmail,
  parseRecoveryCode,
  toHex,
  unwrapUserKey,
  unwrapUserKeyWithRecoveryCode,
  wrapUserKey,
  type SecretField,
} from '@secureaccess/shared/crypto';

// The vectors were computed once by shared/scripts/make-test-vectors.ts with Node's crypto and
// two argon2id implementations; the shared package must reproduce them bit for bit.

const smallCases = vectors.kdf.filter((c) => c.unsafeForTestsOnly);
const defaultCases = vectors.kdf.filter((c) => !c.unsafeForTestsOnly);
const userKey = fromHex(vectors.userKeyHex);

describe('protocol v1 test vectors', () => {
  it('when normalising the vector password and email, then NFKC / NFC forms match', () => {
    expect(toHex(encodePassword(vectors.password.input))).toBe(vectors.password.nfkcUtf8Hex);
    expect(normalizeEmail(vectors.email.input)).toBe(vectors.email.normalized);
  });

  it.each(smallCases.map((c) => [c.name, c] as const))(
    'when deriving keys with %s parameters, then masterKey, authHash and wrapKey match',
    async (_name, c) => {
      const keys = await deriveKeysUnsafeForTests(vectors.password.input, vectors.salt, c.kdf);
      expect(toHex(keys.masterKey)).toBe(c.masterKeyHex);
      expect(keys.authHash).toBe(c.authHash);
      expect(toHex(keys.wrapKey)).toBe(c.wrapKeyHex);
    },
  );

  it('when deriving keys with the default argon2id and pbkdf2 parameters, then they match', async () => {
    for (const c of defaultCases) {
      const keys = await deriveKeys(vectors.password.input, fromHex(vectors.saltHex), c.kdf);
      expect({ name: c.name, masterKey: toHex(keys.masterKey), authHash: keys.authHash, wrapKey: toHex(keys.wrapKey) }).toEqual({
        name: c.name,
        masterKey: c.masterKeyHex,
        authHash: c.authHash,
        wrapKey: c.wrapKeyHex,
      });
    }
  });

  it('when wrapping the vector user key with the vector nonce, then the envelope is identical', async () => {
    const v = vectors.wrappedUserKey;
    const wrapKey = fromHex(v.wrapKeyHex);
    expect(await wrapUserKey(wrapKey, userKey, vectors.keyVersion, fromHex(v.nonceHex))).toEqual(v.envelope);
    expect(toHex(await unwrapUserKey(wrapKey, v.envelope))).toBe(vectors.userKeyHex);
  });

  it('when the vectors are listed, then every secret field of the contract has one (protocol v1.1 added url and folder)', () => {
    expect(vectors.fields.map((f) => f.field).sort()).toEqual([...secretFields].sort());
  });

  it.each(vectors.fields.map((f) => [f.field, f] as const))(
    'when encrypting the %s vector with its nonce, then the envelope is identical and decrypts back',
    async (_name, f) => {
      const field = f.field as SecretField;
      expect(await encryptField(userKey, vectors.keyVersion, f.accountUuid, field, f.plaintext, fromHex(f.nonceHex))).toEqual(f.envelope);
      expect(await decryptField(userKey, f.accountUuid, field, f.envelope)).toBe(f.plaintext);
    },
  );

  it('when formatting and using the vector recovery secret, then code, keys and wrapped key match', async () => {
    const r = vectors.recovery;
    expect(await formatRecoveryCode(fromHex(r.secretHex))).toBe(r.code);
    expect(toHex(await parseRecoveryCode(r.code))).toBe(r.secretHex);
    const keys = await deriveRecoveryKeys(r.code);
    expect(toHex(keys.recoveryKey)).toBe(r.recoveryKeyHex);
    expect(keys.authHash).toBe(r.authHash);
    expect(await wrapUserKey(keys.recoveryKey, userKey, vectors.keyVersion, fromHex(r.nonceHex))).toEqual(r.wrappedUserKey);
    expect(toHex(await unwrapUserKeyWithRecoveryCode(r.code, r.wrappedUserKey))).toBe(vectors.userKeyHex);
  });
});

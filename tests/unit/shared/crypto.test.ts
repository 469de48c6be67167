import {
  assertKdfParams,
  constantTimeEqual,
  CryptoError,
  CryptoErrorCode,
  decodeBase64,
  decryptField,
  deriveKeys,
  deriveKeysUnsafeForTests,
  deriveMasterKey,
  encodeBase64,
  encryptField,
  formatRecoveryCode,
  generateUserKey,
  kdfLimits,
  makeNewPasswordKeys,
  makeRegistration,
  parseEnvelope,
  parseRecoveryCode,
  randomBytes,
  unwrapUserKey,
  unwrapUserKeyWithRecoveryCode,
  wrapUserKey,
  type Envelope,
} from '@secureaccess/shared/crypto';
import { registerBodySchema, changePasswordBodySchema, envelopeSchema } from '@secureaccess/shared/contract';

const uuid = '3f1c2b4a-9d8e-4f7a-b6c5-d4e3f2a1b0c9';
const otherUuid = '7e6d5c4b-3a29-4817-a6b5-c4d3e2f1a0b9';
const salt16 = encodeBase64(new Uint8Array(16).fill(7));
const smallArgon2 = { algorithm: 'argon2id', memoryKiB: 64, iterations: 1, parallelism: 1 };
// The cheapest parameters the protocol accepts, for the few tests that must go through the checks.
const minimumPbkdf2 = { algorithm: 'pbkdf2-sha256', iterations: kdfLimits.pbkdf2Sha256.minIterations } as const;

async function expectCryptoError(promise: Promise<unknown> | (() => unknown), code: CryptoErrorCode) {
  const run = typeof promise === 'function' ? Promise.resolve().then(promise) : promise;
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CryptoError);
  expect((error as CryptoError).code).toBe(code);
}

function flipBit(envelope: Envelope, part: 'nonce' | 'ct' | 'tag', bit = 0): Envelope {
  const bytes = decodeBase64(envelope[part]);
  bytes[bit >> 3]! ^= 1 << (bit & 7);
  return { ...envelope, [part]: encodeBase64(bytes) };
}

describe('field envelopes', () => {
  const userKey = generateUserKey();
  let envelope: Envelope;
  beforeAll(async () => {
    envelope = await encryptField(userKey, 3, uuid, 'password', 'correct horse');
  });

  it('when a field is encrypted, then the envelope is well formed, carries the kid and decrypts back', async () => {
    expect(envelopeSchema.safeParse(envelope).success).toBe(true);
    expect(envelope.kid).toBe(3);
    expect(await decryptField(userKey, uuid, 'password', envelope)).toBe('correct horse');
  });

  it('when the same plaintext is encrypted twice, then the nonces (and ciphertexts) differ', async () => {
    const again = await encryptField(userKey, 3, uuid, 'password', 'correct horse');
    expect(again.nonce).not.toBe(envelope.nonce);
    expect(again.ct).not.toBe(envelope.ct);
  });

  it.each([
    ['nonce', 0],
    ['nonce', 95],
    ['ct', 0],
    ['ct', 103],
    ['tag', 0],
    ['tag', 127],
  ] as const)('when bit %s[%i] is flipped, then decryption fails with decryption_failed', async (part, bit) => {
    await expectCryptoError(decryptField(userKey, uuid, 'password', flipBit(envelope, part, bit)), CryptoErrorCode.decryptionFailed);
  });

  it('when the ciphertext is moved to another account or another field, then decryption fails', async () => {
    await expectCryptoError(decryptField(userKey, otherUuid, 'password', envelope), CryptoErrorCode.decryptionFailed);
    await expectCryptoError(decryptField(userKey, uuid, 'username', envelope), CryptoErrorCode.decryptionFailed);
    await expectCryptoError(decryptField(userKey, uuid, 'notes', envelope), CryptoErrorCode.decryptionFailed);
  });

  it('when decrypting with another key, then decryption fails', async () => {
    await expectCryptoError(decryptField(generateUserKey(), uuid, 'password', envelope), CryptoErrorCode.decryptionFailed);
  });

  it('when the ciphertext or tag is truncated, then a typed error says why', async () => {
    const ct = decodeBase64(envelope.ct);
    const shorterCt = { ...envelope, ct: encodeBase64(ct.subarray(0, ct.length - 1)) };
    await expectCryptoError(decryptField(userKey, uuid, 'password', shorterCt), CryptoErrorCode.decryptionFailed);
    const shorterTag = { ...envelope, tag: encodeBase64(decodeBase64(envelope.tag).subarray(0, 12)) };
    await expectCryptoError(decryptField(userKey, uuid, 'password', shorterTag), CryptoErrorCode.invalidLength);
    const { tag: _tag, ...noTag } = envelope;
    await expectCryptoError(decryptField(userKey, uuid, 'password', noTag), CryptoErrorCode.malformedEnvelope);
    await expectCryptoError(decryptField(userKey, uuid, 'password', { ...envelope, ct: envelope.ct.slice(0, -1) }), CryptoErrorCode.invalidBase64);
  });

  it('when the envelope has an unknown version or algorithm, then it is refused with that code', async () => {
    await expectCryptoError(decryptField(userKey, uuid, 'password', { ...envelope, v: 2 }), CryptoErrorCode.unsupportedVersion);
    await expectCryptoError(decryptField(userKey, uuid, 'password', { ...envelope, alg: 'A128GCM' }), CryptoErrorCode.unsupportedAlgorithm);
  });

  it('when the envelope has an extra field, non-canonical base64 or a bad kid, then it is refused', () => {
    expect(() => parseEnvelope({ ...envelope, extra: 1 })).toThrow(CryptoError);
    expect(() => parseEnvelope({ ...envelope, kid: 0 })).toThrow(CryptoError);
    expect(() => parseEnvelope({ ...envelope, kid: '3' })).toThrow(CryptoError);
    expect(() => parseEnvelope({ ...envelope, nonce: envelope.nonce.replace(/\+/g, '-').replace(/\//g, '_') + ' ' })).toThrow(CryptoError);
    expect(() => parseEnvelope(JSON.stringify(envelope))).toThrow(CryptoError);
    expect(parseEnvelope(envelope)).toEqual(envelope);
  });

  it('when the account uuid is not canonical or the field unknown, then encryption refuses it', async () => {
    await expectCryptoError(encryptField(userKey, 1, uuid.toUpperCase(), 'password', 'x'), CryptoErrorCode.invalidArgument);
    await expectCryptoError(encryptField(userKey, 1, uuid, 'pin' as 'password', 'x'), CryptoErrorCode.invalidArgument);
    await expectCryptoError(encryptField(userKey, 0, uuid, 'password', 'x'), CryptoErrorCode.invalidArgument);
    await expectCryptoError(encryptField(userKey.subarray(0, 16), 1, uuid, 'password', 'x'), CryptoErrorCode.invalidLength);
  });

  it('when a field is over 64 KiB, then encryption refuses it', async () => {
    await expectCryptoError(encryptField(userKey, 1, uuid, 'notes', 'x'.repeat(65_537)), CryptoErrorCode.invalidLength);
    const largest = await encryptField(userKey, 1, uuid, 'notes', 'x'.repeat(65_536));
    expect(envelopeSchema.safeParse(largest).success).toBe(true);
  });
});

describe('user key wrapping', () => {
  it('when the user key is wrapped, then the right wrap key unwraps it and any other fails', async () => {
    const userKey = generateUserKey();
    const wrapKey = randomBytes(32);
    const wrapped = await wrapUserKey(wrapKey, userKey, 1);
    expect(await unwrapUserKey(wrapKey, wrapped)).toEqual(userKey);
    await expectCryptoError(unwrapUserKey(randomBytes(32), wrapped), CryptoErrorCode.decryptionFailed);
  });

  it('when a field envelope is presented as a wrapped user key, then it fails (different associated data)', async () => {
    const key = randomBytes(32);
    const field = await encryptField(key, 1, uuid, 'password', 'x'.repeat(32));
    await expectCryptoError(unwrapUserKey(key, field), CryptoErrorCode.decryptionFailed);
  });
});

describe('KDF parameter checks', () => {
  it.each([
    ['argon2id memory below 64 MiB', { algorithm: 'argon2id', memoryKiB: 65_535, iterations: 3, parallelism: 4 }],
    ['argon2id 2 iterations', { algorithm: 'argon2id', memoryKiB: 65_536, iterations: 2, parallelism: 4 }],
    ['pbkdf2 599999 iterations', { algorithm: 'pbkdf2-sha256', iterations: 599_999 }],
    ['pbkdf2 1 iteration', { algorithm: 'pbkdf2-sha256', iterations: 1 }],
  ])('when a server sends %s, then deriveKeys refuses it with kdf_too_weak', async (_name, kdf) => {
    await expectCryptoError(deriveKeys('password', salt16, kdf), CryptoErrorCode.kdfTooWeak);
    await expectCryptoError(deriveMasterKey('password', salt16, kdf), CryptoErrorCode.kdfTooWeak);
  });

  it.each([
    ['argon2id memory above 1 GiB', { algorithm: 'argon2id', memoryKiB: 1_048_577, iterations: 3, parallelism: 4 }],
    ['argon2id parallelism 17', { algorithm: 'argon2id', memoryKiB: 65_536, iterations: 3, parallelism: 17 }],
    ['pbkdf2 above 10 million iterations', { algorithm: 'pbkdf2-sha256', iterations: 10_000_001 }],
    ['an unknown algorithm', { algorithm: 'scrypt', n: 1 }],
    ['an extra field', { algorithm: 'pbkdf2-sha256', iterations: 600_000, hash: 'sha1' }],
    ['fractional iterations', { algorithm: 'pbkdf2-sha256', iterations: 600_000.5 }],
    ['a string', 'argon2id'],
    ['null', null],
  ])('when the KDF is %s, then it is refused with invalid_kdf_params', async (_name, kdf) => {
    await expectCryptoError(() => assertKdfParams(kdf), CryptoErrorCode.invalidKdfParams);
    await expectCryptoError(deriveKeys('password', salt16, kdf), CryptoErrorCode.invalidKdfParams);
  });

  it('when the salt is under 16 bytes, then deriveKeys refuses it even with strong parameters', async () => {
    await expectCryptoError(deriveKeys('password', encodeBase64(new Uint8Array(15)), minimumPbkdf2), CryptoErrorCode.kdfTooWeak);
    await expectCryptoError(deriveKeys('password', new Uint8Array(8), minimumPbkdf2), CryptoErrorCode.kdfTooWeak);
    await expectCryptoError(deriveKeys('password', 'not base64!', minimumPbkdf2), CryptoErrorCode.invalidBase64);
  });

  it('when small parameters go through the unsafe test path, then it derives, while deriveKeys refuses them', async () => {
    const keys = await deriveKeysUnsafeForTests('password', salt16, smallArgon2);
    expect(keys.masterKey).toHaveLength(32);
    expect(decodeBase64(keys.authHash)).toHaveLength(32);
    await expectCryptoError(deriveKeys('password', salt16, smallArgon2), CryptoErrorCode.kdfTooWeak);
  });

  it('when passwords differ only by Unicode compatibility forms, then they derive the same keys', async () => {
    const a = await deriveKeysUnsafeForTests('\uFB01\uFF21e\u0301', salt16, smallArgon2);
    const b = await deriveKeysUnsafeForTests('fiA\u00E9', salt16, smallArgon2);
    const c = await deriveKeysUnsafeForTests('fiA\u00E9 ', salt16, smallArgon2);
    expect(a.authHash).toBe(b.authHash);
    expect(c.authHash).not.toBe(b.authHash);
    expect(a.wrapKey).not.toEqual(a.masterKey);
  });
});

describe('constant-time compare', () => {
  it('when inputs are equal, then true; when they differ in any byte or length, then false', () => {
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([0, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))).toBe(false);
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual(new Uint8Array(0), '')).toBe(true);
  });
});

describe('recovery codes', () => {
  it('when a code is formatted, then it is 8 groups of 4 Crockford characters', async () => {
    const code = await formatRecoveryCode(randomBytes(16));
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){7}$/);
  });

  it('when a code is typed in lower case, without hyphens, with O for 0 and l for 1, then it reads the same', async () => {
    const secret = randomBytes(16);
    const code = await formatRecoveryCode(secret);
    const sloppy = code.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l');
    expect(await parseRecoveryCode(sloppy)).toEqual(secret);
  });

  it('when one character of a code is mistyped, then the check value refuses it', async () => {
    const code = await formatRecoveryCode(randomBytes(16));
    const i = 5; // a data character
    const wrong = code.slice(0, i) + (code[i] === '2' ? '3' : '2') + code.slice(i + 1);
    await expectCryptoError(parseRecoveryCode(wrong), CryptoErrorCode.invalidRecoveryCode);
    await expectCryptoError(parseRecoveryCode(code.slice(0, -1)), CryptoErrorCode.invalidRecoveryCode);
    await expectCryptoError(parseRecoveryCode(code.replace(/.$/, 'U')), CryptoErrorCode.invalidRecoveryCode);
  });
});

describe('registration and password change', () => {
  it('when a registration is made, then the body satisfies the contract and both the password and the recovery code unwrap the user key', async () => {
    const registration = await makeRegistration({
      email: '  Alice@Example.COM ',
      firstName: 'Alice',
      lastName: 'Liddell',
      password: 'correct horse battery staple',
      kdf: minimumPbkdf2,
    });
    const { body } = registration;
    expect(registerBodySchema.parse(body)).toEqual(body);
    expect(body.email).toBe('alice@example.com');
    expect(decodeBase64(body.salt).length).toBeGreaterThanOrEqual(16);
    expect(body.wrappedUserKey.kid).toBe(registration.keyVersion);

    const keys = await deriveKeys('correct horse battery staple', body.salt, body.kdf);
    expect(keys.authHash).toBe(body.authHash);
    expect(await unwrapUserKey(keys.wrapKey, body.wrappedUserKey)).toEqual(registration.userKey);
    expect(await unwrapUserKeyWithRecoveryCode(registration.recoveryCode, body.recovery.wrappedUserKey)).toEqual(registration.userKey);
    expect(body.recovery.authHash).not.toBe(body.authHash);
  });

  it('when registering with parameters below the minimums, then makeRegistration refuses', async () => {
    const input = { email: 'a@example.com', firstName: 'A', lastName: 'B', password: 'p' };
    await expectCryptoError(makeRegistration({ ...input, kdf: { algorithm: 'pbkdf2-sha256', iterations: 1000 } }), CryptoErrorCode.kdfTooWeak);
  });

  it('when the password changes, then the same user key is re-wrapped under a fresh salt', async () => {
    const userKey = generateUserKey();
    const change = await makeNewPasswordKeys(userKey, 2, 'new password', minimumPbkdf2);
    expect(
      changePasswordBodySchema.safeParse({ currentAuthHash: change.newAuthHash, ...change }).success,
    ).toBe(true);
    const keys = await deriveKeys('new password', change.newSalt, change.newKdf);
    expect(keys.authHash).toBe(change.newAuthHash);
    expect(await unwrapUserKey(keys.wrapKey, change.newWrappedUserKey)).toEqual(userKey);
    expect(change.newWrappedUserKey.kid).toBe(2);
  });
});

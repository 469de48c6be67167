import fc from 'fast-check';
import {
  CryptoError,
  CryptoErrorCode,
  decodeBase64,
  decryptField,
  encodeBase64,
  encryptField,
  formatRecoveryCode,
  generateUserKey,
  isCanonicalBase64,
  normalizeEmail,
  parseEnvelope,
  parseRecoveryCode,
} from '@secureaccess/shared/crypto';
import { emailSchema, envelopeSchema } from '@secureaccess/shared/contract';

const userKey = generateUserKey();
const uuidArb = fc.uuid().map((u) => u.toLowerCase());
const fieldArb = fc.constantFrom('username' as const, 'password' as const, 'notes' as const);

// Envelope-like values: valid parts, near misses and garbage, so that the parser's every branch runs.
const b64Arb = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max }).map(encodeBase64);
const envelopeishArb = fc.record(
  {
    v: fc.oneof(fc.constant(1), fc.jsonValue()),
    alg: fc.oneof(fc.constant('A256GCM'), fc.string()),
    kid: fc.oneof(fc.integer({ min: -2, max: 2 ** 32 }), fc.double(), fc.string()),
    nonce: fc.oneof(b64Arb(12, 12), b64Arb(0, 20), fc.string({ unit: 'binary-ascii' })),
    ct: fc.oneof(b64Arb(0, 64), fc.string({ unit: 'binary-ascii' })),
    tag: fc.oneof(b64Arb(16, 16), b64Arb(0, 20), fc.string({ unit: 'binary-ascii' })),
    extra: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

// A valid envelope, then with some luck one field replaced by junk, removed, or one field added.
const validEnvelopeArb = fc.record({
  v: fc.constant(1),
  alg: fc.constant('A256GCM'),
  kid: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  nonce: b64Arb(12, 12),
  ct: b64Arb(0, 64),
  tag: b64Arb(16, 16),
});
const mutatedEnvelopeArb = fc
  .tuple(
    validEnvelopeArb,
    fc.option(fc.tuple(fc.constantFrom('v', 'alg', 'kid', 'nonce', 'ct', 'tag', 'extra'), fc.option(fc.jsonValue()))),
  )
  .map(([envelope, mutation]) => {
    const value: Record<string, unknown> = { ...envelope };
    if (mutation) {
      const [key, replacement] = mutation;
      if (replacement === null) delete value[key];
      else value[key] = replacement;
    }
    return value;
  });
const anyEnvelopeInput = fc.oneof(fc.jsonValue(), envelopeishArb, mutatedEnvelopeArb);

function outcome(run: () => unknown): 'ok' | 'crypto-error' | 'other' {
  try {
    run();
    return 'ok';
  } catch (error) {
    return error instanceof CryptoError ? 'crypto-error' : 'other';
  }
}

describe('envelope properties', () => {
  it('when any Unicode string is encrypted for any account and field, then it decrypts to the same string', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), uuidArb, fieldArb, async (text, uuid, field) => {
        const envelope = await encryptField(userKey, 1, uuid, field, text);
        expect(await decryptField(userKey, uuid, field, envelope)).toBe(text);
      }),
    );
  });

  it('when a string holds a lone surrogate, then encryption refuses it rather than altering it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 10 }), fc.integer({ min: 0xd800, max: 0xdfff }), async (prefix, unit) => {
        const error = await encryptField(userKey, 1, '3f1c2b4a-9d8e-4f7a-b6c5-d4e3f2a1b0c9', 'notes', prefix + String.fromCharCode(unit)).catch((e: unknown) => e);
        expect((error as CryptoError).code).toBe(CryptoErrorCode.invalidArgument);
      }),
    );
  });

  it('when the parser gets arbitrary JSON, then it returns or throws a CryptoError, nothing else', () => {
    fc.assert(
      fc.property(anyEnvelopeInput, (value) => {
        expect(outcome(() => parseEnvelope(value))).not.toBe('other');
      }),
      { numRuns: 500 },
    );
  });

  it('when the parser and the contract schema judge the same value, then they agree', () => {
    const verdicts = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(anyEnvelopeInput, (value) => {
        const parsed = outcome(() => parseEnvelope(value)) === 'ok';
        expect(envelopeSchema.safeParse(value).success).toBe(parsed);
        verdicts[parsed ? 'accepted' : 'refused']++;
      }),
      { numRuns: 1000 },
    );
    // Both sides of the agreement were exercised, not just the easy "garbage" one.
    expect(verdicts.accepted).toBeGreaterThan(50);
    expect(verdicts.refused).toBeGreaterThan(50);
  });
});

describe('base64 properties', () => {
  it('when bytes are encoded, then the text is canonical and decodes to the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = encodeBase64(bytes);
        expect(isCanonicalBase64(text)).toBe(true);
        expect(text).toBe(Buffer.from(bytes).toString('base64'));
        expect(decodeBase64(text)).toEqual(bytes);
      }),
    );
  });

  it('when any string decodes, then it is the one canonical encoding of its bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'AQgwBCDE+/=9z'.split('')), maxLength: 12 }), (text) => {
        let bytes: Uint8Array;
        try {
          bytes = decodeBase64(text);
        } catch (error) {
          expect(error).toBeInstanceOf(CryptoError);
          return;
        }
        expect(encodeBase64(bytes)).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('email properties', () => {
  it('when an email is normalised twice, then the second pass changes nothing', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.emailAddress()), (email) => {
        const once = normalizeEmail(email);
        expect(normalizeEmail(once)).toBe(once);
      }),
      { numRuns: 1000 },
    );
  });

  it('when the contract accepts an email, then its stored form is what normalizeEmail gives', () => {
    fc.assert(
      fc.property(fc.emailAddress(), fc.constantFrom('', ' ', '\t'), fc.boolean(), (email, pad, upper) => {
        const typed = pad + (upper ? email.toUpperCase() : email) + pad;
        const result = emailSchema.safeParse(typed);
        if (result.success) expect(result.data).toBe(normalizeEmail(typed));
      }),
    );
  });
});

describe('recovery code properties', () => {
  it('when any 16 bytes are formatted as a code, then parsing gives them back', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 16, maxLength: 16 }), async (secret) => {
        expect(await parseRecoveryCode(await formatRecoveryCode(secret))).toEqual(secret);
      }),
    );
  });
});

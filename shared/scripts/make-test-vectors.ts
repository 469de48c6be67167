/**
 * Generates shared/test-vectors/protocol-v1.json (protocol v1.1 since the url/folder fields were added), with an implementation independent of
 * shared/src/crypto: Node's `crypto` (pbkdf2Sync, hkdfSync, aes-256-gcm), and argon2id computed
 * twice — with hash-wasm and with the native `argon2` package in raw mode (installed for the
 * server) — the script stops if the two disagree. The unit tests then require the shared
 * package to reproduce every value bit for bit.
 *
 *   server/node_modules/.bin/tsx shared/scripts/make-test-vectors.ts          # check only
 *   server/node_modules/.bin/tsx shared/scripts/make-test-vectors.ts --write  # (re)write the file
 *
 * Without --write it recomputes and fails if the committed file differs, so a change to this
 * script cannot silently drift from the vectors the tests use.
 */
import { createCipheriv, createHash, hkdfSync, pbkdf2Sync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { argon2id as hashWasmArgon2id } from 'hash-wasm';

const repoRoot = resolve(__dirname, '../..');
const outputPath = resolve(repoRoot, 'shared/test-vectors/protocol-v1.json');
// `argon2` is a native, server-side dependency; load it from the server package.
const nativeArgon2 = createRequire(resolve(repoRoot, 'server/package.json'))('argon2') as {
  argon2id: number;
  hash(password: Buffer, options: Record<string, unknown>): Promise<Buffer>;
};

// ---- fixed inputs ------------------------------------------------------------------------------
// The password needs NFKC: "ﬁ" ligature → "fi", fullwidth "Ｈ" → "H", no-break space → space,
// "e" + combining acute → "é".
const password = 'Correct \uFB01sh \uFF28orse\u00A0battery e\u0301';
const email = '  Zo\u00EB.Example@Ex\u0061\u0308mple.ORG ';
const salt = Buffer.from('5a1e7c0ffee4d2b3a9c8e1f20718293a', 'hex');
const userKey = Buffer.from('00112233445566778899aabbccddeeff0f1e2d3c4b5a69788796a5b4c3d2e1f0', 'hex');
const keyVersion = 1;
const accountUuid = '3f1c2b4a-9d8e-4f7a-b6c5-d4e3f2a1b0c9';
const fields = [
  { field: 'username', plaintext: 'zoë@example.org', nonce: '0a0b0c0d0e0f101112131415' },
  { field: 'password', plaintext: 'hunter2 — ünïcødé 🔑', nonce: '1f2e3d4c5b6a798897a6b5c4' },
  { field: 'notes', plaintext: '', nonce: 'c0c1c2c3c4c5c6c7c8c9cacb' },
  // Protocol v1.1: url and folder are secret fields too, same envelope and associated data scheme.
  { field: 'url', plaintext: 'https://bank.example/login?next=%2Fstatements', nonce: 'd0d1d2d3d4d5d6d7d8d9dadb', since: '1.1' },
  { field: 'folder', plaintext: 'Finanzas \u00B7 Banco', nonce: 'e0e1e2e3e4e5e6e7e8e9eaeb', since: '1.1' },
  // Protocol v1.2: the account's own title.
  { field: 'title', plaintext: 'Cuenta conjunta \u2014 a\u00F1o 2026', nonce: 'f0f1f2f3f4f5f6f7f8f9fafb', since: '1.2' },
] as const;
const wrapNonce = Buffer.from('a1a2a3a4a5a6a7a8a9aaabac', 'hex');
const recoverySecret = Buffer.from('f00dbabe0123456789abcdeffedcba98', 'hex');
const recoveryWrapNonce = Buffer.from('b1b2b3b4b5b6b7b8b9babbbc', 'hex');

const kdfCases = [
  { name: 'argon2id-small', unsafeForTestsOnly: true, kdf: { algorithm: 'argon2id', memoryKiB: 1024, iterations: 2, parallelism: 2 } },
  { name: 'pbkdf2-sha256-small', unsafeForTestsOnly: true, kdf: { algorithm: 'pbkdf2-sha256', iterations: 1000 } },
  { name: 'argon2id-default', unsafeForTestsOnly: false, kdf: { algorithm: 'argon2id', memoryKiB: 65536, iterations: 3, parallelism: 4 } },
  { name: 'pbkdf2-sha256-default', unsafeForTestsOnly: false, kdf: { algorithm: 'pbkdf2-sha256', iterations: 600000 } },
] as const;

// ---- independent implementation ----------------------------------------------------------------
const b64 = (bytes: Buffer) => bytes.toString('base64');
const hkdf = (ikm: Buffer, info: string) => Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), Buffer.from(info, 'utf8'), 32));

async function masterKeyOf(kdf: (typeof kdfCases)[number]['kdf']): Promise<Buffer> {
  const passwordBytes = Buffer.from(password.normalize('NFKC'), 'utf8');
  if (kdf.algorithm === 'pbkdf2-sha256') return pbkdf2Sync(passwordBytes, salt, kdf.iterations, 32, 'sha256');
  const viaWasm = Buffer.from(
    await hashWasmArgon2id({
      password: passwordBytes,
      salt,
      memorySize: kdf.memoryKiB,
      iterations: kdf.iterations,
      parallelism: kdf.parallelism,
      hashLength: 32,
      outputType: 'binary',
    }),
  );
  const viaNative = await nativeArgon2.hash(passwordBytes, {
    type: nativeArgon2.argon2id,
    memoryCost: kdf.memoryKiB,
    timeCost: kdf.iterations,
    parallelism: kdf.parallelism,
    salt,
    hashLength: 32,
    raw: true,
  });
  if (!viaWasm.equals(viaNative)) throw new Error(`argon2id mismatch between hash-wasm and argon2 for ${JSON.stringify(kdf)}`);
  return viaNative;
}

function seal(key: Buffer, nonce: Buffer, plaintext: Buffer, associatedData: string) {
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { v: 1, alg: 'A256GCM', kid: keyVersion, nonce: b64(nonce), ct: b64(ct), tag: b64(cipher.getAuthTag()) };
}

function crockford(bytes: Buffer): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const bits = [...bytes].map((b) => b.toString(2).padStart(8, '0')).join('');
  return bits.match(/.{5}/g)!.map((chunk) => alphabet[parseInt(chunk, 2)]).join('');
}

async function main() {
  const kdf = [];
  let wrapKeyForVector: Buffer | undefined;
  for (const c of kdfCases) {
    const masterKey = await masterKeyOf(c.kdf);
    const authHash = hkdf(masterKey, 'secureaccess/auth/v1');
    const wrapKey = hkdf(masterKey, 'secureaccess/wrap/v1');
    if (c.name === 'argon2id-default') wrapKeyForVector = wrapKey;
    kdf.push({
      name: c.name,
      unsafeForTestsOnly: c.unsafeForTestsOnly,
      kdf: c.kdf,
      masterKeyHex: masterKey.toString('hex'),
      authHashHex: authHash.toString('hex'),
      authHash: b64(authHash),
      wrapKeyHex: wrapKey.toString('hex'),
    });
  }

  const recoveryPayload = Buffer.concat([recoverySecret, createHash('sha256').update(recoverySecret).digest().subarray(0, 4)]);
  const recoveryKey = hkdf(recoverySecret, 'secureaccess/recovery/v1');

  const vectors = {
    description:
      'SecureAccess protocol v1.1 test vectors (docs/protocol.md). Generated by shared/scripts/make-test-vectors.ts with Node crypto and two argon2id implementations. Keys and salts in hex; envelopes exactly as on the wire (standard base64). Fields marked since 1.1 are secret from protocol v1.1 on.',
    version: 1,
    protocolVersion: '1.1',
    password: {
      input: password,
      nfkc: password.normalize('NFKC'),
      nfkcUtf8Hex: Buffer.from(password.normalize('NFKC'), 'utf8').toString('hex'),
    },
    email: { input: email, normalized: email.trim().toLowerCase().normalize('NFC') },
    saltHex: salt.toString('hex'),
    salt: b64(salt),
    kdf,
    userKeyHex: userKey.toString('hex'),
    keyVersion,
    wrappedUserKey: {
      wrapKeyFrom: 'argon2id-default',
      wrapKeyHex: wrapKeyForVector!.toString('hex'),
      nonceHex: wrapNonce.toString('hex'),
      associatedData: 'secureaccess/v1/user-key',
      envelope: seal(wrapKeyForVector!, wrapNonce, userKey, 'secureaccess/v1/user-key'),
    },
    fields: fields.map((f) => {
      const associatedData = `secureaccess/v1/${accountUuid}/${f.field}`;
      return {
        accountUuid,
        field: f.field,
        since: 'since' in f ? f.since : '1.0',
        plaintext: f.plaintext,
        nonceHex: f.nonce,
        associatedData,
        envelope: seal(userKey, Buffer.from(f.nonce, 'hex'), Buffer.from(f.plaintext, 'utf8'), associatedData),
      };
    }),
    recovery: {
      secretHex: recoverySecret.toString('hex'),
      code: crockford(recoveryPayload).match(/.{4}/g)!.join('-'),
      recoveryKeyHex: recoveryKey.toString('hex'),
      authHash: b64(hkdf(recoverySecret, 'secureaccess/recovery-auth/v1')),
      nonceHex: recoveryWrapNonce.toString('hex'),
      wrappedUserKey: seal(recoveryKey, recoveryWrapNonce, userKey, 'secureaccess/v1/user-key'),
    },
  };

  // Non-ASCII escaped as \uXXXX: the file must survive editors that normalise or trim Unicode.
  const json = JSON.stringify(vectors, null, 2).replace(
    /[\u007f-\uffff]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const text = `${json}\n`;
  if (process.argv.includes('--write')) {
    writeFileSync(outputPath, text);
    console.log(`wrote ${outputPath}`);
  } else if (readFileSync(outputPath, 'utf8') !== text) {
    console.error(`${outputPath} differs from what this script computes`);
    process.exitCode = 1;
  } else {
    console.log('test vectors are up to date');
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

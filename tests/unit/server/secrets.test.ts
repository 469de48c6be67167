import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSecrets, rotateJwtSigningKey, secretsFileName, SecretsError } from '@secureaccess/server';

describe('secrets', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'sa-secrets-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  test('when none are given, then they are generated once into DATA_DIR with mode 0600 and read back the same', async () => {
    const first = loadSecrets(dataDir, {});
    const second = loadSecrets(dataDir, {});

    const file = path.join(dataDir, secretsFileName);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(first.jwt.keys.get(first.jwt.currentKid)).toHaveLength(32);
    expect(second.jwt.currentKid).toBe(first.jwt.currentKid);
    expect(second.preloginSecret.equals(first.preloginSecret)).toBe(true);
    expect(second.mfaEncryption.key.equals(first.mfaEncryption.key)).toBe(true);
    expect(first.preloginSecret.equals(first.mfaEncryption.key)).toBe(false);
  });

  test('when the JWT key is rotated, then the new kid signs and the old one still verifies', () => {
    const before = loadSecrets(dataDir, {});

    const kid = rotateJwtSigningKey(dataDir);
    const after = loadSecrets(dataDir, {});

    expect(after.jwt.currentKid).toBe(kid);
    expect(kid).not.toBe(before.jwt.currentKid);
    expect(after.jwt.keys.get(before.jwt.currentKid)?.equals(before.jwt.keys.get(before.jwt.currentKid)!)).toBe(true);
  });

  test('when all secrets come from the environment, then no file is written and the last JWT key signs', async () => {
    const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');

    const secrets = loadSecrets(dataDir, {
      JWT_SIGNING_KEYS: `old:${key(1)},new:${key(2)}`,
      PRELOGIN_SECRET: key(3),
      MFA_ENCRYPTION_KEY: key(4),
    });

    expect(secrets.jwt.currentKid).toBe('new');
    expect([...secrets.jwt.keys.keys()]).toEqual(['old', 'new']);
    expect(secrets.preloginSecret).toEqual(Buffer.alloc(32, 3));
    await expect(readFile(path.join(dataDir, secretsFileName))).rejects.toThrow(/ENOENT/);
  });

  test('when an environment secret is too short, then loading fails naming it', () => {
    expect(() => loadSecrets(dataDir, { PRELOGIN_SECRET: Buffer.alloc(8).toString('base64') })).toThrow(SecretsError);
    expect(() => loadSecrets(dataDir, { PRELOGIN_SECRET: Buffer.alloc(8).toString('base64') })).toThrow(/PRELOGIN_SECRET/);
  });
});

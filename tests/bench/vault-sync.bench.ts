// Unlocking a 10 000-account vault the way the extension does, in Node: `VaultIndex.build` (the
// background's pure vault index) imports the user key once and decrypts the fields the index needs
// (`fieldsDecryptedOnOpen`: username, url, folder when set); passwords stay encrypted until used.
// The same measure in real Chromium's extension service worker is tests/bench/vault-open.bench.ts. Floor, measured in the same run on the same ciphertexts: raw
// WebCrypto AES-256-GCM decrypts with the key imported once and the envelopes decoded beforehand,
// the least any client must do. Prints accounts/s and the ratio; asserts nothing on time, only that
// every account decrypts to what was encrypted.
// Run: server/node_modules/.bin/tsx tests/bench/vault-sync.bench.ts
import { randomUUID, webcrypto } from 'node:crypto';
import type { Account } from '@secureaccess/shared/contract';
import { decodeBase64, fieldsDecryptedOnOpen, generateUserKey, initialKeyVersion, sealAccountSecrets } from '@secureaccess/shared/crypto';
import { VaultIndex } from '../../extension/utils/background/vault-index';

const accountCount = 10_000;
const rounds = 5;
const fields = fieldsDecryptedOnOpen;
const subtle = webcrypto.subtle as SubtleCrypto;

const userKey = generateUserKey();
const now = new Date().toISOString();

async function makeAccount(i: number): Promise<Account> {
  const uuid = randomUUID();
  const secrets = await sealAccountSecrets(userKey, initialKeyVersion, uuid, {
    username: `user${i}@example.com`,
    password: `pw-${i}-${randomUUID()}`,
    url: `https://site${i % 2_000}.example.com/login`,
    folder: i % 10 === 0 ? 'Work' : null,
  });
  return {
    uuid,
    applicationId: null,
    ...secrets,
    legacyPlaintext: null,
    revision: 1,
    createdAt: now,
    updatedAt: now,
    lastAccessedAt: null,
    deletedAt: null,
  };
}

async function main(): Promise<void> {
  const encryptStarted = performance.now();
  const accounts = await Promise.all(Array.from({ length: accountCount }, (_, i) => makeAccount(i)));
  const encryptMs = performance.now() - encryptStarted;

  // The floor's inputs: ciphertext ‖ tag, nonce and associated data as bytes, decoded once, outside the timing.
  const encoder = new TextEncoder();
  const floorInputs = accounts.flatMap((account) =>
    fields.flatMap((field) => {
      const envelope = account[field];
      if (!envelope) return [];
      const ct = decodeBase64(envelope.ct);
      const tag = decodeBase64(envelope.tag);
      const sealed = new Uint8Array(ct.length + tag.length);
      sealed.set(ct);
      sealed.set(tag, ct.length);
      return [{
        iv: decodeBase64(envelope.nonce) as Uint8Array<ArrayBuffer>,
        additionalData: encoder.encode(`secureaccess/v1/${account.uuid}/${field}`),
        sealed,
      }];
    }),
  );
  const aesKey = await subtle.importKey('raw', new Uint8Array(userKey), 'AES-GCM', false, ['decrypt']);

  async function floorRun(): Promise<number> {
    const started = performance.now();
    await Promise.all(
      floorInputs.map((input) =>
        subtle.decrypt({ name: 'AES-GCM', iv: input.iv, additionalData: input.additionalData, tagLength: 128 }, aesKey, input.sealed),
      ),
    );
    return performance.now() - started;
  }

  async function indexRun(): Promise<{ ms: number; index: VaultIndex }> {
    const started = performance.now();
    const index = await VaultIndex.build(userKey, accounts);
    return { ms: performance.now() - started, index };
  }

  // Correctness before speed: the floor's associated data must be the protocol's (else it would not
  // authenticate), and the index must hold every account, decrypted.
  await floorRun();
  const { index: checked } = await indexRun();
  if (checked.size !== accountCount) throw new Error(`index holds ${checked.size} accounts, not ${accountCount}`);
  for (const i of [0, 1, accountCount - 1]) {
    const item = checked.get(accounts[i]!.uuid)!;
    if (item.decryptError !== null || item.username !== `user${i}@example.com` || !(await checked.reveal(item.uuid, 'password')).startsWith(`pw-${i}-`)) {
      throw new Error(`account ${i} did not decrypt: ${JSON.stringify(item)}`);
    }
  }
  if (checked.active().some((item) => item.decryptError !== null)) throw new Error('some account did not decrypt');

  // Alternate the two so that warm-up and machine noise fall on both.
  const floorMs: number[] = [];
  const indexMs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    floorMs.push(await floorRun());
    indexMs.push((await indexRun()).ms);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const perSecond = (ms: number) => (accountCount * 1000) / ms;
  const range = (values: number[]) => `${Math.min(...values).toFixed(0)}-${Math.max(...values).toFixed(0)} ms`;

  console.log(`vault sync: ${accountCount.toLocaleString('en')} accounts, ${floorInputs.length.toLocaleString('en')} fields decrypted (${fields.join(', ')} when set), ${rounds} rounds (median)`);
  console.log(`  encrypt (setup)        ${encryptMs.toFixed(0)} ms`);
  console.log(`  VaultIndex.build       ${perSecond(median(indexMs)).toFixed(0)} accounts/s (${range(indexMs)})`);
  console.log(`  floor: raw AES-GCM     ${perSecond(median(floorMs)).toFixed(0)} accounts/s (${range(floorMs)}; key imported once, envelopes pre-decoded)`);
  console.log(`  ratio                  ${(median(indexMs) / median(floorMs)).toFixed(2)}× the floor's time`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

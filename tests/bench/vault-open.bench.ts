// Opening a 10 000-account vault in real Chromium, inside the built extension's MV3 service worker
// (issue 13 item 4; goal ≤ 500 ms). The background's own `VaultIndex.build` — bundled by the
// extension's Vite from extension/utils/background/vault-index.ts and evaluated in the worker over
// the DevTools protocol — imports the user key once and decrypts what the index needs
// (`fieldsDecryptedOnOpen`: username, url, folder when set); passwords and notes stay encrypted
// until used. In the same run, on the same ciphertexts:
//   floor   raw WebCrypto AES-256-GCM decrypts of exactly those fields, key imported once and
//           envelopes decoded beforehand (the least any client must do);
//   before  the v1 index's way: username and password of every account with `decryptField` given
//           the raw key bytes, so every field re-imports the key (the ≈1.7 s of issue 13).
// Prints the figures and ratios; asserts only that every account decrypts to what was encrypted.
// Needs the Chrome build: bash scripts/pnpm.sh --filter @secureaccess/extension run build
// Run: server/node_modules/.bin/tsx tests/bench/vault-open.bench.ts
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { extensionDir, launchExtensionBrowser } from '../e2e/support/browser';
import { repoRoot } from '../e2e/support/api-server';

const accountCount = 10_000;
const rounds = 5;

/** The bench entry bundled as an IIFE by the extension's Vite (the one WXT builds with). */
async function bundleEntry(): Promise<string> {
  const wxtPackage = realpathSync(path.join(repoRoot, 'extension/node_modules/wxt/package.json'));
  // vite is WXT's dependency, not the tests package's: a minimal view of its build API.
  const vite = (await import(createRequire(wxtPackage).resolve('vite'))) as {
    build(config: object): Promise<{ output: { code: string }[] } | { output: { code: string }[] }[] | object>;
  };
  const output = await vite.build({
    configFile: false,
    logLevel: 'silent',
    root: path.join(repoRoot, 'extension'),
    build: {
      write: false,
      minify: true,
      lib: { entry: path.join(__dirname, 'vault-open/entry.ts'), formats: ['iife'], name: 'SecureAccessVaultBench' },
    },
  });
  const result = Array.isArray(output) ? output[0]! : output;
  if (!('output' in result)) throw new Error('vite did not return a bundle');
  return result.output[0].code;
}

interface WorkerFigures {
  floorMs: number[];
  buildMs: number[];
  beforeMs: number[];
  decodeMs: number[];
  decrypts: number;
  checks: string[];
  userAgent: string;
}

async function main(): Promise<void> {
  if (!existsSync(path.join(extensionDir, 'manifest.json'))) {
    throw new Error(`no extension build in ${extensionDir}: run bash scripts/pnpm.sh --filter @secureaccess/extension run build`);
  }
  const code = await bundleEntry();
  const browser = await launchExtensionBrowser();
  try {
    const worker = await browser.serviceWorker();
    // Evaluated through the DevTools protocol (the extension's CSP forbids eval inside the worker).
    // `__name`: tsx (esbuild keepNames) wraps the functions below that are sent to the worker.
    await worker.evaluate(`${code};globalThis.SecureAccessVaultBench = SecureAccessVaultBench; globalThis.__name ??= (f) => f; true`);
    const figures = (await worker.evaluate(
      async ({ accountCount, rounds }) => {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const bench = (globalThis as any).SecureAccessVaultBench as typeof import('./vault-open/entry');
        const subtle = globalThis.crypto.subtle;
        const userKey = bench.generateUserKey();
        const key = await bench.importUserKey(userKey);
        const now = new Date().toISOString();
        const accounts = await Promise.all(
          Array.from({ length: accountCount }, async (_, i) => {
            const uuid = crypto.randomUUID();
            const secrets = await bench.sealAccountSecrets(key, 1, uuid, {
              username: `user${i}@example.com`,
              password: `pw-${i}-${crypto.randomUUID()}`,
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
          }),
        );

        const decodeB64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
        const encoder = new TextEncoder();
        const floorInputs = accounts.flatMap((account) =>
          bench.fieldsDecryptedOnOpen.flatMap((field) => {
            const envelope = account[field];
            if (!envelope) return [];
            const ct = decodeB64(envelope.ct);
            const sealed = new Uint8Array(ct.length + 16);
            sealed.set(ct);
            sealed.set(decodeB64(envelope.tag), ct.length);
            return [{ iv: decodeB64(envelope.nonce), additionalData: encoder.encode(`secureaccess/v1/${account.uuid}/${field}`), sealed }];
          }),
        );
        const floor = async () => {
          const started = performance.now();
          await Promise.all(
            floorInputs.map((input) =>
              subtle.decrypt({ name: 'AES-GCM', iv: input.iv, additionalData: input.additionalData, tagLength: 128 }, key, input.sealed),
            ),
          );
          return performance.now() - started;
        };
        const build = async () => {
          const started = performance.now();
          const index = await bench.VaultIndex.build(userKey, accounts);
          return { ms: performance.now() - started, index };
        };
        // The JS part of opening a field without the AES: strict envelope checks and decoding, associated data.
        const decodeOnly = () => {
          const started = performance.now();
          for (const account of accounts) {
            for (const field of bench.fieldsDecryptedOnOpen) {
              const envelope = account[field];
              if (!envelope) continue;
              bench.decodeEnvelope(envelope);
              encoder.encode(bench.fieldAssociatedData(account.uuid, field));
            }
          }
          return performance.now() - started;
        };
        const before = async () => {
          const started = performance.now();
          await Promise.all(
            accounts.map((account) =>
              Promise.all([
                bench.decryptField(userKey, account.uuid, 'username', account.username),
                bench.decryptField(userKey, account.uuid, 'password', account.password),
              ]),
            ),
          );
          return performance.now() - started;
        };

        // Correctness first: everything decrypts to what was sealed.
        await floor();
        const { index } = await build();
        const checks: string[] = [];
        if (index.size !== accountCount) checks.push(`index holds ${index.size} accounts`);
        for (const i of [0, 1, accountCount - 1]) {
          const item = index.get(accounts[i]!.uuid)!;
          const password = await index.reveal(item.uuid, 'password');
          if (item.decryptError || item.username !== `user${i}@example.com` || item.url !== `https://site${i % 2_000}.example.com/login` || !password.startsWith(`pw-${i}-`)) {
            checks.push(`account ${i} did not decrypt`);
          }
        }
        if (index.active().some((item) => item.decryptError !== null)) checks.push('some account did not decrypt');

        // Alternate the three so that warm-up and machine noise fall on all of them.
        const floorMs: number[] = [];
        const buildMs: number[] = [];
        const beforeMs: number[] = [];
        const decodeMs: number[] = [];
        for (let round = 0; round < rounds; round++) {
          floorMs.push(await floor());
          buildMs.push((await build()).ms);
          beforeMs.push(await before());
          decodeMs.push(decodeOnly());

        }
        return { floorMs, buildMs, beforeMs, decodeMs, decrypts: floorInputs.length, checks, userAgent: navigator.userAgent };
      },
      { accountCount, rounds },
    )) as WorkerFigures;

    if (figures.checks.length > 0) throw new Error(figures.checks.join('; '));
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const range = (values: number[]) => `${Math.min(...values).toFixed(0)}-${Math.max(...values).toFixed(0)} ms`;
    const [build, floor, before] = [median(figures.buildMs), median(figures.floorMs), median(figures.beforeMs)];
    const chrome = /Chrome\/[\d.]+/.exec(figures.userAgent)?.[0] ?? figures.userAgent;
    console.log(`vault open in Chromium's extension service worker (${chrome}): ${accountCount.toLocaleString('en')} accounts, ${rounds} rounds (median)`);
    console.log(`  VaultIndex.build        ${build.toFixed(0)} ms (${range(figures.buildMs)}); ${figures.decrypts.toLocaleString('en')} fields (username, url, folder when set), one imported key`);
    console.log(`  floor: raw AES-GCM      ${floor.toFixed(0)} ms (${range(figures.floorMs)}; same fields, key imported once, envelopes pre-decoded)`);
    console.log(`  ratio                   ${(build / floor).toFixed(2)}× the floor's time; goal ≤ 500 ms: ${build <= 500 ? 'met' : `missed by ${(build - 500).toFixed(0)} ms`}`);
    console.log(`  of which JS decoding     ${median(figures.decodeMs).toFixed(0)} ms (${range(figures.decodeMs)}; strict envelope checks + base64 + associated data, no AES)`);
    console.log(`  before (v1 index way)   ${before.toFixed(0)} ms (${range(figures.beforeMs)}; username+password, key re-imported per field): ${(before / build).toFixed(2)}× the new build`);
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

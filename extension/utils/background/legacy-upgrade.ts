// Protocol v1.1 upgrade, done by the client on its next sync after unlocking (docs/protocol.md §7.6):
// accounts stored by protocol v1 come with their url/folder in `legacyPlaintext`; the background
// encrypts them under the user key and sends the envelopes, after which the server holds
// ciphertext only. Best effort: a failure leaves the rows for the next sync, and the vault keeps
// working meanwhile (the index reads the legacy plaintext until then).

import { maxBulkAccounts, type Account } from '@secureaccess/shared/contract';
import { sealLegacyPlaintext } from '@secureaccess/shared/crypto';
import { authed } from './session';

/** Upgrades the v1 accounts among `accounts`; returns the server's upgraded versions. */
export async function encryptLegacyAccounts(userKey: Uint8Array | CryptoKey, keyVersion: number, accounts: readonly Account[]): Promise<Account[]> {
  const legacy = accounts.filter((account) => account.legacyPlaintext !== null);
  const upgraded: Account[] = [];
  for (let start = 0; start < legacy.length; start += maxBulkAccounts) {
    const batch = await Promise.all(
      legacy.slice(start, start + maxBulkAccounts).map((account) =>
        sealLegacyPlaintext(userKey, keyVersion, { ...account, legacyPlaintext: account.legacyPlaintext! }),
      ),
    );
    try {
      const response = await authed('accounts', 'encryptLegacy', { body: { accounts: batch } });
      upgraded.push(...response.accounts);
    } catch {
      break; // offline or refused: the next sync tries again
    }
  }
  return upgraded;
}

// Protocol v1.1 (docs/protocol.md): an account's url and folder become envelopes like its other
// secret fields. The server cannot encrypt them (it has no key), so this migration only makes room:
// the v1 plaintext columns are renamed legacy_url / legacy_folder and kept until the owner's client
// re-encrypts them on its next unlock (POST /accounts/encrypt-legacy), which clears them; every
// write also clears them. New encrypted_url / encrypted_folder hold the envelopes' JSON text.
import { DataTypes, QueryTypes, type QueryInterface } from 'sequelize';
import type { MigrationFn } from 'umzug';

const table = 'stored_accounts';
const renames = [
  ['url', 'legacy_url'],
  ['folder', 'legacy_folder'],
] as const;
const encryptedColumns = ['encrypted_url', 'encrypted_folder'] as const;

// RENAME COLUMN is the same statement in SQLite ≥ 3.25, MariaDB ≥ 10.5 and MySQL 8, and keeps the
// column's type and indexes (Sequelize's SQLite renameColumn would rebuild the table instead).
async function rename(qi: QueryInterface, from: string, to: string): Promise<void> {
  const q = (name: string) => qi.quoteIdentifier(name);
  await qi.sequelize.query(`ALTER TABLE ${q(table)} RENAME COLUMN ${q(from)} TO ${q(to)}`);
}

export const up: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  for (const [from, to] of renames) await rename(qi, from, to);
  // TEXT: the contract caps url at 8 KiB and folder at 400 bytes of plaintext, ~11 KB of envelope.
  for (const column of encryptedColumns) await qi.addColumn(table, column, { type: DataTypes.TEXT, allowNull: true });
};

/**
 * Refuses when a client has already stored encrypted urls or folders: going back would have to
 * drop them (the server cannot decrypt them into the v1 columns). On a vault with none, it undoes `up`.
 */
export const down: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  const q = (name: string) => qi.quoteIdentifier(name);
  const [{ n }] = await qi.sequelize.query<{ n: number | string }>(
    `SELECT COUNT(*) AS n FROM ${q(table)} WHERE ${encryptedColumns.map((c) => `${q(c)} IS NOT NULL`).join(' OR ')}`,
    { type: QueryTypes.SELECT },
  ) as [{ n: number | string }];
  if (Number(n) > 0) {
    throw new Error(
      `${n} account(s) hold an encrypted url or folder (protocol v1.1); reverting would lose them. Export the vault from a client first.`,
    );
  }
  for (const column of encryptedColumns) await qi.removeColumn(table, column);
  for (const [from, to] of [...renames].reverse()) await rename(qi, to, from);
};

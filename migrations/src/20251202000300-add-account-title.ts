// An account's own name ("Work mail", "Bank — joint"), which until now was always the application's
// name or the URL's host. A secret field like the others (an envelope; the server cannot read it):
// imports carry a name per row, and two accounts of one site need telling apart.
import { DataTypes, QueryTypes, type QueryInterface } from 'sequelize';
import type { MigrationFn } from 'umzug';

const table = 'stored_accounts';
const column = 'encrypted_title';

export const up: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  await qi.addColumn(table, column, { type: DataTypes.TEXT, allowNull: true });
};

/** Refuses when a client has stored titles: going back would drop them. */
export const down: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  const q = (name: string) => qi.quoteIdentifier(name);
  const [{ n }] = (await qi.sequelize.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${q(table)} WHERE ${q(column)} IS NOT NULL`, {
    type: QueryTypes.SELECT,
  })) as [{ n: number | string }];
  if (Number(n) > 0) throw new Error(`${n} account(s) have a title; reverting would lose them. Export the vault from a client first.`);
  await qi.removeColumn(table, column);
};

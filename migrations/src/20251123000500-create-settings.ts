// Organisation settings (DESIGN §1, §7 admin/settings), seeded with the product defaults.
import { DataTypes, Op, type QueryInterface } from 'sequelize';
import type { MigrationFn } from 'umzug';
import { columnTypes, createTable, dateColumn, dropTables, foreignId } from './columns';

/** Keys and defaults the migration seeds; values are JSON. */
export const defaultSettings = {
  signups_allowed: true,
  default_application_access: 'granted',
} as const;

export const up: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  const t = columnTypes(qi);
  await createTable(qi, 'settings', {
    name: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
    value: { type: t.json, allowNull: false },
    updated_by: foreignId(t, 'users', 'SET NULL'),
    updated_at: dateColumn(false),
  });
  const now = new Date();
  await qi.bulkInsert(
    'settings',
    Object.entries(defaultSettings).map(([name, value]) => ({
      name,
      value: JSON.stringify(value),
      updated_by: null,
      updated_at: now,
    })),
  );
};

export const down: MigrationFn<QueryInterface> = async ({ context: qi }) => {
  await qi.bulkDelete('settings', { name: { [Op.in]: Object.keys(defaultSettings) } });
  await dropTables(qi, ['settings']);
};

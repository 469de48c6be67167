// Column and table helpers shared by the migrations, so every table gets the same MySQL types
// (BIGINT UNSIGNED ids, DATETIME(3), utf8mb4_unicode_ci, InnoDB) while staying dialect-neutral:
// Sequelize maps the same attribute definitions to SQLite types (an auto-increment primary key
// becomes INTEGER PRIMARY KEY AUTOINCREMENT there).
import { DataTypes, type ModelAttributeColumnOptions, type QueryInterface } from 'sequelize';

type Columns = Record<string, ModelAttributeColumnOptions>;

/**
 * The few types that differ per dialect. SQLite has no UNSIGNED or MEDIUMTEXT (Sequelize warns and
 * drops them) and a column declared JSON gets NUMERIC affinity there, so it stores JSON as TEXT;
 * MySQL/MariaDB get the real types.
 */
export interface ColumnTypes {
  bigintUnsigned: ModelAttributeColumnOptions['type'];
  intUnsigned: ModelAttributeColumnOptions['type'];
  json: ModelAttributeColumnOptions['type'];
  mediumText: ModelAttributeColumnOptions['type'];
}

export function columnTypes(queryInterface: QueryInterface): ColumnTypes {
  if (queryInterface.sequelize.getDialect() === 'mysql') {
    return {
      bigintUnsigned: DataTypes.BIGINT.UNSIGNED,
      intUnsigned: DataTypes.INTEGER.UNSIGNED,
      json: DataTypes.JSON,
      mediumText: DataTypes.TEXT('medium'),
    };
  }
  return {
    bigintUnsigned: DataTypes.BIGINT,
    intUnsigned: DataTypes.INTEGER,
    json: DataTypes.TEXT,
    mediumText: DataTypes.TEXT,
  };
}

export const idColumn = (t: ColumnTypes): ModelAttributeColumnOptions => ({
  type: t.bigintUnsigned,
  primaryKey: true,
  autoIncrement: true,
  allowNull: false,
});

/** A BIGINT UNSIGNED foreign key; the type must match the referenced id exactly for InnoDB. */
export const foreignId = (
  t: ColumnTypes,
  table: string,
  onDelete: 'CASCADE' | 'SET NULL' | 'RESTRICT',
  allowNull = onDelete === 'SET NULL',
): ModelAttributeColumnOptions => ({
  type: t.bigintUnsigned,
  allowNull,
  references: { model: table, key: 'id' },
  onDelete,
  onUpdate: 'CASCADE',
});

export const uuidColumn = (allowNull = false): ModelAttributeColumnOptions => ({
  type: DataTypes.CHAR(36),
  allowNull,
});

/** SHA-256 as 64 lowercase hex characters. */
export const sha256Column = (allowNull = false): ModelAttributeColumnOptions => ({
  type: DataTypes.CHAR(64),
  allowNull,
});

/** Millisecond precision: token expiry, rotation reuse windows and audit ordering need it. */
export const dateColumn = (allowNull = true): ModelAttributeColumnOptions => ({
  type: DataTypes.DATE(3),
  allowNull,
});

export const timestampColumns = (): Columns => ({
  created_at: dateColumn(false),
  updated_at: dateColumn(false),
});

/** Room for IPv6 in its longest textual form (IPv4-mapped included). */
export const ipColumn = (): ModelAttributeColumnOptions => ({ type: DataTypes.STRING(45), allowNull: true });

export const userAgentColumn = (): ModelAttributeColumnOptions => ({
  type: DataTypes.STRING(512),
  allowNull: true,
});

export async function createTable(
  queryInterface: QueryInterface,
  table: string,
  columns: Columns,
): Promise<void> {
  const mysqlOptions =
    queryInterface.sequelize.getDialect() === 'mysql'
      ? { engine: 'InnoDB', charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' }
      : {};
  await queryInterface.createTable(table, columns, mysqlOptions);
}

export async function addIndex(
  queryInterface: QueryInterface,
  table: string,
  fields: string[],
  options: { unique?: boolean; name?: string } = {},
): Promise<void> {
  const name = options.name ?? `${options.unique ? 'uq' : 'ix'}_${table}_${fields.join('_')}`;
  await queryInterface.addIndex(table, fields, { name, unique: options.unique ?? false });
}

/** Drops in the given (reverse dependency) order; DROP TABLE IF EXISTS, so a half-applied `up` can be undone. */
export async function dropTables(queryInterface: QueryInterface, tables: string[]): Promise<void> {
  for (const table of tables) {
    await queryInterface.dropTable(table);
  }
}

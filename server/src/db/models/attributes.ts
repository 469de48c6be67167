// Attribute helpers shared by the model definitions.
// Model types only describe values to Sequelize (the schema comes from the migrations, never
// from sync), so they omit UNSIGNED and sizes that SQLite would warn about.
import { DataTypes, type Model, type ModelAttributeColumnOptions } from 'sequelize';

export const id = (): ModelAttributeColumnOptions => ({
  type: DataTypes.BIGINT,
  primaryKey: true,
  autoIncrement: true,
});

export const date = (allowNull = true): ModelAttributeColumnOptions => ({
  type: DataTypes.DATE(3),
  allowNull,
});

/** A value as a json() column holds it: JSON text, or NULL (what the model's setter stores and raw writes send). */
export function toJsonColumn(value: unknown): string | null | undefined {
  return value === null || value === undefined ? (value as null | undefined) : JSON.stringify(value);
}

/**
 * A JSON column read and written as text: MariaDB reports JSON as LONGTEXT and MySQL 8 is told to
 * do the same (`jsonStrings`), SQLite keeps text, so every dialect hands back the same string and
 * the model parses it here — a JSON string value like `"granted"` survives on all three.
 */
export function json(attribute: string, allowNull = true): ModelAttributeColumnOptions {
  return {
    type: DataTypes.TEXT,
    allowNull,
    get(this: Model) {
      const raw: unknown = this.getDataValue(attribute as never);
      return typeof raw === 'string' ? JSON.parse(raw) : raw;
    },
    set(this: Model, value: unknown) {
      this.setDataValue(attribute as never, toJsonColumn(value) as never);
    },
  };
}

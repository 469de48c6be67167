import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type ModelAttributeColumnOptions,
  type ModelAttributes,
  type NonAttribute,
} from 'sequelize';
import {
  legacyPlaintextFields,
  secretFieldSpecs,
  secretFields,
  type LegacyPlaintextField,
  type OptionalSecretField,
  type RequiredSecretField,
  type SecretField,
} from '@secureaccess/shared/contract';
import { date, id, json } from './attributes';

export type MatchStrategy = 'base_domain' | 'host' | 'starts_with' | 'exact' | 'regex' | 'never';
export type ApplicationAccess = 'granted' | 'declined';

export class Application extends Model<
  InferAttributes<Application>,
  InferCreationAttributes<Application>
> {
  declare id: CreationOptional<number>;
  declare uuid: string;
  declare name: string;
  declare url: string;
  declare host: CreationOptional<string | null>;
  declare baseDomain: CreationOptional<string | null>;
  declare matchStrategy: CreationOptional<MatchStrategy>;
  declare matchPatterns: CreationOptional<string[] | null>;
  declare isActive: CreationOptional<boolean>;
  declare access: CreationOptional<ApplicationAccess>;
  declare accessGrantedValue: CreationOptional<string>;
  declare accessDeclinedValue: CreationOptional<string>;
  declare createdBy: CreationOptional<number | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export const applicationAttributes: ModelAttributes<Application> = {
  id: id(),
  uuid: { type: DataTypes.CHAR(36), allowNull: false },
  name: { type: DataTypes.STRING(255), allowNull: false },
  url: { type: DataTypes.STRING(2048), allowNull: false },
  host: { type: DataTypes.STRING(255), allowNull: true },
  baseDomain: { type: DataTypes.STRING(255), allowNull: true },
  matchStrategy: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'base_domain' },
  matchPatterns: json('matchPatterns'),
  isActive: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
  access: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'granted' },
  accessGrantedValue: { type: DataTypes.STRING(255), allowNull: false, defaultValue: 'granted' },
  accessDeclinedValue: { type: DataTypes.STRING(255), allowNull: false, defaultValue: 'declined' },
  createdBy: { type: DataTypes.BIGINT, allowNull: true },
  createdAt: date(false),
  updatedAt: date(false),
};

/** The model attribute of a secret field's column: `username` → `encryptedUsername` (`encrypted_username`). */
export type EncryptedColumn<F extends SecretField = SecretField> = `encrypted${Capitalize<F>}`;

export function encryptedColumn<F extends SecretField>(field: F): EncryptedColumn<F> {
  return `encrypted${field[0]!.toUpperCase()}${field.slice(1)}` as EncryptedColumn<F>;
}

/** The plaintext column protocol v1 kept for a field: `url` → `legacyUrl` (`legacy_url`). */
export type LegacyColumn<F extends LegacyPlaintextField = LegacyPlaintextField> = `legacy${Capitalize<F>}`;

export function legacyColumn<F extends LegacyPlaintextField>(field: F): LegacyColumn<F> {
  return `legacy${field[0]!.toUpperCase()}${field.slice(1)}` as LegacyColumn<F>;
}

/** One column per secret field, declared from the contract's list: envelope JSON text. */
type EncryptedColumns = { [F in RequiredSecretField as EncryptedColumn<F>]: string } & {
  [F in OptionalSecretField as EncryptedColumn<F>]: CreationOptional<string | null>;
};
type LegacyColumns = { [F in LegacyPlaintextField as LegacyColumn<F>]: CreationOptional<string | null> };

function columnsOf<F extends string, C extends string>(
  fields: readonly F[],
  column: (field: F) => C,
  options: (field: F) => ModelAttributeColumnOptions,
): Record<C, ModelAttributeColumnOptions> {
  return Object.fromEntries(fields.map((field) => [column(field), options(field)])) as Record<C, ModelAttributeColumnOptions>;
}

// Declaration merging: the class gets one attribute per secret field without naming them.
export interface StoredAccount extends EncryptedColumns, LegacyColumns {}

export class StoredAccount extends Model<
  InferAttributes<StoredAccount>,
  InferCreationAttributes<StoredAccount>
> {
  declare id: CreationOptional<number>;
  declare uuid: string;
  declare userId: number;
  declare applicationId: CreationOptional<number | null>;
  declare revision: CreationOptional<number>;
  /** Next value of users.vault_change_seq, taken in the same transaction (delta sync). */
  declare changeSeq: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare lastAccessedAt: CreationOptional<Date | null>;
  declare deletedAt: CreationOptional<Date | null>;

  declare application?: NonAttribute<Application | null>;
}

export const storedAccountAttributes: ModelAttributes<StoredAccount> = {
  id: id(),
  uuid: { type: DataTypes.CHAR(36), allowNull: false },
  userId: { type: DataTypes.BIGINT, allowNull: false },
  applicationId: { type: DataTypes.BIGINT, allowNull: true },
  // Envelope JSON text (DESIGN §5); the server checks its shape only.
  ...columnsOf(secretFields, encryptedColumn, (field) => ({ type: DataTypes.TEXT, allowNull: !secretFieldSpecs[field].required })),
  // Protocol v1's plaintext url/folder, until the owner's client re-encrypts them (v1.1).
  ...columnsOf(legacyPlaintextFields, legacyColumn, () => ({ type: DataTypes.TEXT, allowNull: true })),
  revision: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
  changeSeq: { type: DataTypes.BIGINT, allowNull: false },
  createdAt: date(false),
  updatedAt: date(false),
  lastAccessedAt: date(),
  // A tombstone (trash), managed by the accounts service rather than Sequelize's `paranoid`,
  // because delta sync must return deleted rows too.
  deletedAt: date(),
};

/** An account removed for good; delta sync reports it until the device's cursor passes it. */
export class StoredAccountTombstone extends Model<
  InferAttributes<StoredAccountTombstone>,
  InferCreationAttributes<StoredAccountTombstone>
> {
  declare id: CreationOptional<number>;
  declare userId: number;
  declare uuid: string;
  declare changeSeq: number;
  declare removedAt: Date;
}

export const storedAccountTombstoneAttributes: ModelAttributes<StoredAccountTombstone> = {
  id: id(),
  userId: { type: DataTypes.BIGINT, allowNull: false },
  uuid: { type: DataTypes.CHAR(36), allowNull: false },
  changeSeq: { type: DataTypes.BIGINT, allowNull: false },
  removedAt: date(false),
};

import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type ModelAttributes,
  type NonAttribute,
} from 'sequelize';
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

export class StoredAccount extends Model<
  InferAttributes<StoredAccount>,
  InferCreationAttributes<StoredAccount>
> {
  declare id: CreationOptional<number>;
  declare uuid: string;
  declare userId: number;
  declare applicationId: CreationOptional<number | null>;
  declare url: CreationOptional<string | null>;
  declare folder: CreationOptional<string | null>;
  /** Envelope JSON text (DESIGN §5); the server checks its shape only. */
  declare encryptedUsername: string;
  declare encryptedPassword: string;
  declare encryptedNotes: CreationOptional<string | null>;
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
  url: { type: DataTypes.STRING(2048), allowNull: true },
  folder: { type: DataTypes.TEXT, allowNull: true },
  encryptedUsername: { type: DataTypes.TEXT, allowNull: false },
  encryptedPassword: { type: DataTypes.TEXT, allowNull: false },
  encryptedNotes: { type: DataTypes.TEXT, allowNull: true },
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

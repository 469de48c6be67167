import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type ModelAttributes,
} from 'sequelize';
import type { Role } from '@secureaccess/shared/contract';
import { date, id, json } from './attributes';

export type UserStatus = 'active' | 'inactive' | 'locked';
/** The KDF object of the protocol (DESIGN §5), stored as given by the client. */
export type KdfParams = Record<string, unknown> & { algorithm: string };

export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare id: CreationOptional<number>;
  declare uuid: string;
  declare firstName: string;
  declare lastName: string;
  declare email: string;
  declare masterPasswordHash: string;
  declare kdfSalt: string;
  declare kdfParams: KdfParams;
  declare role: CreationOptional<Role>;
  declare status: CreationOptional<UserStatus>;
  declare failedLoginAttempts: CreationOptional<number>;
  declare lockedUntil: CreationOptional<Date | null>;
  declare lastLoginAt: CreationOptional<Date | null>;
  declare lastLoginIp: CreationOptional<string | null>;
  declare passwordChangedAt: CreationOptional<Date | null>;
  declare jwtKeyVersion: CreationOptional<number>;
  declare refreshTokenRotation: CreationOptional<boolean>;
  declare accessTokenTtlSeconds: CreationOptional<number | null>;
  declare refreshTokenTtlSeconds: CreationOptional<number | null>;
  declare vaultChangeSeq: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export const userAttributes: ModelAttributes<User> = {
  id: id(),
  uuid: { type: DataTypes.CHAR(36), allowNull: false },
  firstName: { type: DataTypes.STRING(100), allowNull: false },
  lastName: { type: DataTypes.STRING(100), allowNull: false },
  email: { type: DataTypes.STRING(254), allowNull: false },
  masterPasswordHash: { type: DataTypes.STRING(255), allowNull: false },
  kdfSalt: { type: DataTypes.STRING(255), allowNull: false },
  kdfParams: json('kdfParams', false),
  role: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'editor' },
  status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'active' },
  failedLoginAttempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  lockedUntil: date(),
  lastLoginAt: date(),
  lastLoginIp: { type: DataTypes.STRING(45), allowNull: true },
  passwordChangedAt: date(),
  jwtKeyVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
  refreshTokenRotation: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
  accessTokenTtlSeconds: { type: DataTypes.INTEGER, allowNull: true },
  refreshTokenTtlSeconds: { type: DataTypes.INTEGER, allowNull: true },
  vaultChangeSeq: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
  createdAt: date(false),
  updatedAt: date(false),
};

export type EncryptionKeyPurpose = 'master' | 'recovery';

export class EncryptionKey extends Model<
  InferAttributes<EncryptionKey>,
  InferCreationAttributes<EncryptionKey>
> {
  declare id: CreationOptional<number>;
  declare userId: number;
  declare purpose: CreationOptional<EncryptionKeyPurpose>;
  /** The envelope JSON text of DESIGN §5. */
  declare wrappedUserKey: string;
  declare kdfAlgorithm: string;
  declare kdfParams: KdfParams;
  declare kdfSalt: string;
  declare keyVersion: CreationOptional<number>;
  declare isActive: CreationOptional<boolean>;
  /** purpose 'recovery' only: argon2id of the recovery authHash (DESIGN §5a); never the code. */
  declare authHash: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare rotatedAt: CreationOptional<Date | null>;
}

export const encryptionKeyAttributes: ModelAttributes<EncryptionKey> = {
  id: id(),
  userId: { type: DataTypes.BIGINT, allowNull: false },
  purpose: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'master' },
  wrappedUserKey: { type: DataTypes.TEXT, allowNull: false },
  kdfAlgorithm: { type: DataTypes.STRING(32), allowNull: false },
  kdfParams: json('kdfParams', false),
  kdfSalt: { type: DataTypes.STRING(255), allowNull: false },
  keyVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
  isActive: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
  authHash: { type: DataTypes.STRING(255), allowNull: true },
  createdAt: date(false),
  rotatedAt: date(),
};

export class UserPreference extends Model<
  InferAttributes<UserPreference>,
  InferCreationAttributes<UserPreference>
> {
  declare id: CreationOptional<number>;
  declare userId: number;
  declare generatorSettings: CreationOptional<Record<string, unknown> | null>;
  declare lockTimeoutSeconds: CreationOptional<number>;
  declare clipboardClearSeconds: CreationOptional<number>;
  declare notifications: CreationOptional<Record<string, unknown> | null>;
  declare theme: CreationOptional<string>;
  declare language: CreationOptional<string>;
  declare rememberMeByDefault: CreationOptional<boolean>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export const userPreferenceAttributes: ModelAttributes<UserPreference> = {
  id: id(),
  userId: { type: DataTypes.BIGINT, allowNull: false },
  generatorSettings: json('generatorSettings'),
  lockTimeoutSeconds: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 900 },
  clipboardClearSeconds: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 30 },
  notifications: json('notifications'),
  theme: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'system' },
  language: { type: DataTypes.STRING(8), allowNull: false, defaultValue: 'auto' },
  rememberMeByDefault: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
  createdAt: date(false),
  updatedAt: date(false),
};

export class UserMfa extends Model<InferAttributes<UserMfa>, InferCreationAttributes<UserMfa>> {
  declare id: CreationOptional<number>;
  declare userId: number;
  declare method: CreationOptional<'totp'>;
  declare secretCiphertext: string;
  declare secretKeyId: string;
  declare enabledAt: CreationOptional<Date | null>;
  declare lastUsedStep: CreationOptional<number | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export const userMfaAttributes: ModelAttributes<UserMfa> = {
  id: id(),
  userId: { type: DataTypes.BIGINT, allowNull: false },
  method: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'totp' },
  secretCiphertext: { type: DataTypes.TEXT, allowNull: false },
  secretKeyId: { type: DataTypes.STRING(32), allowNull: false },
  enabledAt: date(),
  lastUsedStep: { type: DataTypes.BIGINT, allowNull: true },
  createdAt: date(false),
  updatedAt: date(false),
};

export class UserMfaBackupCode extends Model<
  InferAttributes<UserMfaBackupCode>,
  InferCreationAttributes<UserMfaBackupCode>
> {
  declare id: CreationOptional<number>;
  declare userId: number;
  declare codeHash: string;
  declare usedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
}

export const userMfaBackupCodeAttributes: ModelAttributes<UserMfaBackupCode> = {
  id: id(),
  userId: { type: DataTypes.BIGINT, allowNull: false },
  codeHash: { type: DataTypes.STRING(255), allowNull: false },
  usedAt: date(),
  createdAt: date(false),
};

export class PasswordHistory extends Model<
  InferAttributes<PasswordHistory>,
  InferCreationAttributes<PasswordHistory>
> {
  declare id: CreationOptional<number>;
  declare userId: number;
  declare passwordHash: string;
  declare createdAt: CreationOptional<Date>;
}

export const passwordHistoryAttributes: ModelAttributes<PasswordHistory> = {
  id: id(),
  userId: { type: DataTypes.BIGINT, allowNull: false },
  passwordHash: { type: DataTypes.STRING(255), allowNull: false },
  createdAt: date(false),
};

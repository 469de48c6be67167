import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type ModelAttributes,
} from 'sequelize';
import { date, id, json } from './attributes';

export class UserSession extends Model<
  InferAttributes<UserSession>,
  InferCreationAttributes<UserSession>
> {
  declare id: CreationOptional<number>;
  declare uuid: string;
  declare userId: number;
  declare familyId: string;
  declare deviceName: CreationOptional<string | null>;
  declare deviceType: CreationOptional<string | null>;
  declare userAgent: CreationOptional<string | null>;
  declare ip: CreationOptional<string | null>;
  declare rememberMe: CreationOptional<boolean>;
  declare loginAt: Date;
  declare lastActivityAt: Date;
  declare expiresAt: Date;
  declare isActive: CreationOptional<boolean>;
  declare revokedAt: CreationOptional<Date | null>;
  declare revokedReason: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export const userSessionAttributes: ModelAttributes<UserSession> = {
  id: id(),
  uuid: { type: DataTypes.CHAR(36), allowNull: false },
  userId: { type: DataTypes.BIGINT, allowNull: false },
  familyId: { type: DataTypes.CHAR(36), allowNull: false },
  deviceName: { type: DataTypes.STRING(100), allowNull: true },
  deviceType: { type: DataTypes.STRING(32), allowNull: true },
  userAgent: { type: DataTypes.STRING(512), allowNull: true },
  ip: { type: DataTypes.STRING(45), allowNull: true },
  rememberMe: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
  loginAt: date(false),
  lastActivityAt: date(false),
  expiresAt: date(false),
  isActive: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
  revokedAt: date(),
  revokedReason: { type: DataTypes.STRING(64), allowNull: true },
  createdAt: date(false),
  updatedAt: date(false),
};

export type TokenType = 'access' | 'refresh';

export class JwtToken extends Model<InferAttributes<JwtToken>, InferCreationAttributes<JwtToken>> {
  declare id: CreationOptional<number>;
  declare jti: string;
  declare userId: number;
  declare sessionId: CreationOptional<number | null>;
  declare tokenType: TokenType;
  /** SHA-256 hex of the token; the token itself is never stored. */
  declare tokenHash: string;
  declare claims: CreationOptional<Record<string, unknown> | null>;
  declare issuedAt: Date;
  declare expiresAt: Date;
  declare revoked: CreationOptional<boolean>;
  declare revokedAt: CreationOptional<Date | null>;
  declare revokedReason: CreationOptional<string | null>;
  declare familyId: CreationOptional<string | null>;
  declare parentId: CreationOptional<number | null>;
  declare usedAt: CreationOptional<Date | null>;
  /** Successor refresh token encrypted under a key derived from this token (reuse interval only). */
  declare successorCiphertext: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export const jwtTokenAttributes: ModelAttributes<JwtToken> = {
  id: id(),
  jti: { type: DataTypes.CHAR(36), allowNull: false },
  userId: { type: DataTypes.BIGINT, allowNull: false },
  sessionId: { type: DataTypes.BIGINT, allowNull: true },
  tokenType: { type: DataTypes.STRING(16), allowNull: false },
  tokenHash: { type: DataTypes.CHAR(64), allowNull: false },
  claims: json('claims'),
  issuedAt: date(false),
  expiresAt: date(false),
  revoked: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
  revokedAt: date(),
  revokedReason: { type: DataTypes.STRING(64), allowNull: true },
  familyId: { type: DataTypes.CHAR(36), allowNull: true },
  parentId: { type: DataTypes.BIGINT, allowNull: true },
  usedAt: date(),
  successorCiphertext: { type: DataTypes.TEXT, allowNull: true },
  createdAt: date(false),
  updatedAt: date(false),
};

export class JwtBlacklist extends Model<
  InferAttributes<JwtBlacklist>,
  InferCreationAttributes<JwtBlacklist>
> {
  declare id: CreationOptional<number>;
  declare jti: string;
  declare tokenHash: CreationOptional<string | null>;
  declare userId: CreationOptional<number | null>;
  declare reason: CreationOptional<string | null>;
  declare expiresAt: Date;
  declare blacklistedAt: CreationOptional<Date>;
}

export const jwtBlacklistAttributes: ModelAttributes<JwtBlacklist> = {
  id: id(),
  jti: { type: DataTypes.CHAR(36), allowNull: false },
  tokenHash: { type: DataTypes.CHAR(64), allowNull: true },
  userId: { type: DataTypes.BIGINT, allowNull: true },
  reason: { type: DataTypes.STRING(64), allowNull: true },
  expiresAt: date(false),
  blacklistedAt: date(false),
};

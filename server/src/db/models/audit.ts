import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type ModelAttributes,
} from 'sequelize';
import { date, id, json } from './attributes';

export class AuditLog extends Model<InferAttributes<AuditLog>, InferCreationAttributes<AuditLog>> {
  declare id: CreationOptional<number>;
  /** Set NULL when the user is deleted; hash over userUuid, which never changes. */
  declare userId: CreationOptional<number | null>;
  declare userUuid: CreationOptional<string | null>;
  declare jwtTokenId: CreationOptional<number | null>;
  declare action: string;
  declare targetType: CreationOptional<string | null>;
  declare targetId: CreationOptional<string | null>;
  declare ip: CreationOptional<string | null>;
  declare userAgent: CreationOptional<string | null>;
  declare success: boolean;
  declare details: CreationOptional<Record<string, unknown> | null>;
  declare createdAt: Date;
  declare prevHash: string;
  declare hash: string;
}

export const auditLogAttributes: ModelAttributes<AuditLog> = {
  id: id(),
  userId: { type: DataTypes.BIGINT, allowNull: true },
  userUuid: { type: DataTypes.CHAR(36), allowNull: true },
  jwtTokenId: { type: DataTypes.BIGINT, allowNull: true },
  action: { type: DataTypes.STRING(64), allowNull: false },
  targetType: { type: DataTypes.STRING(32), allowNull: true },
  targetId: { type: DataTypes.STRING(64), allowNull: true },
  ip: { type: DataTypes.STRING(45), allowNull: true },
  userAgent: { type: DataTypes.STRING(512), allowNull: true },
  success: { type: DataTypes.BOOLEAN, allowNull: false },
  details: json('details'),
  // Set explicitly by the audit writer (it is part of the hash), not by Sequelize.
  createdAt: date(false),
  prevHash: { type: DataTypes.CHAR(64), allowNull: false },
  hash: { type: DataTypes.CHAR(64), allowNull: false },
};

/** The single row (id 1) that serialises appends to the audit chain. */
export class AuditChainHead extends Model<
  InferAttributes<AuditChainHead>,
  InferCreationAttributes<AuditChainHead>
> {
  declare id: number;
  declare lastAuditId: number | null;
  declare lastHash: string;
  declare updatedAt: CreationOptional<Date>;
}

export const auditChainHeadAttributes: ModelAttributes<AuditChainHead> = {
  id: { type: DataTypes.INTEGER, primaryKey: true },
  lastAuditId: { type: DataTypes.BIGINT, allowNull: true },
  lastHash: { type: DataTypes.CHAR(64), allowNull: false },
  updatedAt: date(false),
};

export class LoginAttempt extends Model<
  InferAttributes<LoginAttempt>,
  InferCreationAttributes<LoginAttempt>
> {
  declare id: CreationOptional<number>;
  declare identifier: string;
  declare userId: CreationOptional<number | null>;
  declare ip: CreationOptional<string | null>;
  declare success: boolean;
  declare failureReason: CreationOptional<string | null>;
  declare userAgent: CreationOptional<string | null>;
  declare attemptedAt: Date;
}

export const loginAttemptAttributes: ModelAttributes<LoginAttempt> = {
  id: id(),
  identifier: { type: DataTypes.STRING(254), allowNull: false },
  userId: { type: DataTypes.BIGINT, allowNull: true },
  ip: { type: DataTypes.STRING(45), allowNull: true },
  success: { type: DataTypes.BOOLEAN, allowNull: false },
  failureReason: { type: DataTypes.STRING(64), allowNull: true },
  userAgent: { type: DataTypes.STRING(512), allowNull: true },
  attemptedAt: date(false),
};

export class RateLimit extends Model<InferAttributes<RateLimit>, InferCreationAttributes<RateLimit>> {
  declare bucketKey: string;
  declare windowStart: Date;
  declare count: CreationOptional<number>;
  declare expiresAt: Date;
}

export const rateLimitAttributes: ModelAttributes<RateLimit> = {
  bucketKey: { type: DataTypes.STRING(191), primaryKey: true },
  windowStart: { type: DataTypes.DATE(3), primaryKey: true },
  count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  expiresAt: date(false),
};

export class Setting extends Model<InferAttributes<Setting>, InferCreationAttributes<Setting>> {
  declare name: string;
  declare value: unknown;
  declare updatedBy: CreationOptional<number | null>;
  declare updatedAt: CreationOptional<Date>;
}

export const settingAttributes: ModelAttributes<Setting> = {
  name: { type: DataTypes.STRING(64), primaryKey: true },
  value: json('value', false),
  updatedBy: { type: DataTypes.BIGINT, allowNull: true },
  updatedAt: date(false),
};

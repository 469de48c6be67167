// Binds the model classes to one Sequelize instance. Each database handle gets its own subclasses,
// so several databases can live in one process (the tests open more than one) without one
// `init` rebinding another's models. The classes stay the types: `models.User.findOne()` is a User.
import type { InitOptions, Model, ModelAttributes, ModelStatic, Sequelize } from 'sequelize';
import {
  AuditChainHead,
  AuditLog,
  LoginAttempt,
  RateLimit,
  Setting,
  auditChainHeadAttributes,
  auditLogAttributes,
  loginAttemptAttributes,
  rateLimitAttributes,
  settingAttributes,
} from './audit';
import {
  JwtBlacklist,
  JwtToken,
  UserSession,
  jwtBlacklistAttributes,
  jwtTokenAttributes,
  userSessionAttributes,
} from './tokens';
import {
  EncryptionKey,
  PasswordHistory,
  User,
  UserMfa,
  UserMfaBackupCode,
  UserPreference,
  encryptionKeyAttributes,
  passwordHistoryAttributes,
  userAttributes,
  userMfaAttributes,
  userMfaBackupCodeAttributes,
  userPreferenceAttributes,
} from './users';
import {
  Application,
  StoredAccount,
  StoredAccountTombstone,
  applicationAttributes,
  storedAccountAttributes,
  storedAccountTombstoneAttributes,
} from './vault';

export { toJsonColumn } from './attributes';
export * from './audit';
export * from './tokens';
export * from './users';
export * from './vault';

type TableOptions = Omit<InitOptions, 'sequelize'>;

function bind<M extends Model, S extends ModelStatic<M>>(
  sequelize: Sequelize,
  base: S,
  attributes: ModelAttributes<M>,
  options: TableOptions,
): S {
  // An anonymous subclass per Sequelize instance; `init` registers it on that instance only.
  const bound = class extends (base as unknown as new (...args: never[]) => Model) {} as unknown as S;
  bound.init(attributes as ModelAttributes, { ...options, modelName: base.name, sequelize });
  return bound;
}

const withTimestamps: TableOptions = { timestamps: true, underscored: true };
const createdOnly: TableOptions = { timestamps: true, updatedAt: false, underscored: true };
const noTimestamps: TableOptions = { timestamps: false, underscored: true };

export function defineModels(sequelize: Sequelize) {
  const models = {
    User: bind(sequelize, User, userAttributes, { ...withTimestamps, tableName: 'users' }),
    EncryptionKey: bind(sequelize, EncryptionKey, encryptionKeyAttributes, {
      ...createdOnly,
      tableName: 'encryption_keys',
    }),
    UserPreference: bind(sequelize, UserPreference, userPreferenceAttributes, {
      ...withTimestamps,
      tableName: 'user_preferences',
    }),
    UserMfa: bind(sequelize, UserMfa, userMfaAttributes, { ...withTimestamps, tableName: 'user_mfa' }),
    UserMfaBackupCode: bind(sequelize, UserMfaBackupCode, userMfaBackupCodeAttributes, {
      ...createdOnly,
      tableName: 'user_mfa_backup_codes',
    }),
    PasswordHistory: bind(sequelize, PasswordHistory, passwordHistoryAttributes, {
      ...createdOnly,
      tableName: 'password_history',
    }),
    Application: bind(sequelize, Application, applicationAttributes, {
      ...withTimestamps,
      tableName: 'application',
    }),
    StoredAccount: bind(sequelize, StoredAccount, storedAccountAttributes, {
      ...withTimestamps,
      tableName: 'stored_accounts',
    }),
    StoredAccountTombstone: bind(sequelize, StoredAccountTombstone, storedAccountTombstoneAttributes, {
      ...noTimestamps,
      tableName: 'stored_account_tombstones',
    }),
    UserSession: bind(sequelize, UserSession, userSessionAttributes, {
      ...withTimestamps,
      tableName: 'user_sessions',
    }),
    JwtToken: bind(sequelize, JwtToken, jwtTokenAttributes, { ...withTimestamps, tableName: 'jwt_tokens' }),
    JwtBlacklist: bind(sequelize, JwtBlacklist, jwtBlacklistAttributes, {
      timestamps: true,
      createdAt: 'blacklistedAt',
      updatedAt: false,
      underscored: true,
      tableName: 'jwt_blacklist',
    }),
    // created_at is part of the chain hash, so the audit writer sets it from the injected clock.
    AuditLog: bind(sequelize, AuditLog, auditLogAttributes, { ...noTimestamps, tableName: 'audit_log' }),
    AuditChainHead: bind(sequelize, AuditChainHead, auditChainHeadAttributes, {
      timestamps: true,
      createdAt: false,
      underscored: true,
      tableName: 'audit_chain_head',
    }),
    LoginAttempt: bind(sequelize, LoginAttempt, loginAttemptAttributes, {
      ...noTimestamps,
      tableName: 'login_attempts',
    }),
    RateLimit: bind(sequelize, RateLimit, rateLimitAttributes, { ...noTimestamps, tableName: 'rate_limits' }),
    Setting: bind(sequelize, Setting, settingAttributes, {
      timestamps: true,
      createdAt: false,
      underscored: true,
      tableName: 'settings',
    }),
  };

  models.StoredAccount.belongsTo(models.Application, { foreignKey: 'applicationId', as: 'application' });

  return models;
}

export type Models = ReturnType<typeof defineModels>;

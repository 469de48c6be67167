// GET/PATCH /me and GET/PUT /me/preferences: the caller's own profile (names are the only thing a
// user edits; the strict contract refuses every other field) and the extension settings that
// follow the user between devices.
import {
  defaultPreferences,
  ErrorCode,
  preferencesSchema,
  type Preferences,
  type Profile,
  type updateProfileBodySchema,
} from '@secureaccess/shared/contract';
import { UniqueConstraintError } from 'sequelize';
import type { z } from 'zod';
import type { Database } from '../../db';
import { AppError } from '../../http/app-error';
import type { Principal, PrincipalUser } from '../../http/route';
import { appendAudit } from '../audit/audit-chain';
import { toUserSummary } from './auth-service';
import { clockOf, type RequestMeta } from './context';

type UpdateProfileInput = z.output<typeof updateProfileBodySchema>;


/** What toProfile reads: the principal's user, or a freshly written row plus the MFA state. */
type ProfileSource = Pick<
  PrincipalUser,
  'uuid' | 'email' | 'firstName' | 'lastName' | 'role' | 'status' | 'createdAt' | 'lastLoginAt' | 'lastLoginIp' | 'passwordChangedAt' | 'failedLoginAttempts' | 'mfaEnabled'
>;

function toProfile(user: ProfileSource): Profile {
  return {
    ...toUserSummary(user),
    status: user.status,
    mfaEnabled: user.mfaEnabled,
    createdAt: user.createdAt.toISOString(),
    lastLoginAt: user.lastLoginAt ? user.lastLoginAt.toISOString() : null,
    lastLoginIp: user.lastLoginIp ?? null,
    passwordChangedAt: user.passwordChangedAt ? user.passwordChangedAt.toISOString() : null,
    failedLoginAttempts: Number(user.failedLoginAttempts),
  };
}

/** GET /me: the authenticator's query already read everything the profile shows. */
export function getProfile(principal: Principal): Profile {
  return toProfile(principal.user);
}

export async function updateProfile(db: Database, principal: Principal, body: UpdateProfileInput, meta: RequestMeta): Promise<Profile> {
  const user = await db.transaction(async (transaction) => {
    const current = await db.models.User.findByPk(principal.userId, { transaction, lock: transaction.LOCK.UPDATE });
    if (!current) throw new AppError(ErrorCode.unauthorized, 401, 'The user no longer exists');
    const old = { firstName: current.firstName, lastName: current.lastName };
    const changes = {
      ...(body.firstName !== undefined ? { firstName: body.firstName } : {}),
      ...(body.lastName !== undefined ? { lastName: body.lastName } : {}),
    };
    await current.update(changes, { transaction });
    await appendAudit(
      db,
      {
        action: 'user.profile_updated',
        success: true,
        userId: current.id,
        userUuid: current.uuid,
        jwtTokenId: principal.tokenId,
        targetType: 'user',
        targetId: current.uuid,
        ip: meta.ip,
        userAgent: meta.userAgent,
        details: { old, new: { firstName: current.firstName, lastName: current.lastName } },
      },
      { transaction, clock: clockOf(meta) },
    );
    return current;
  });
  return toProfile({
    ...principal.user,
    firstName: user.firstName,
    lastName: user.lastName,
    role: user.role,
    failedLoginAttempts: Number(user.failedLoginAttempts),
  });
}

/** The stored preferences, with defaults for anything missing or no longer valid. */
export async function getPreferences(db: Database, principal: Principal): Promise<Preferences> {
  const row = await db.models.UserPreference.findOne({ where: { userId: principal.userId } });
  if (!row) return defaultPreferences;
  const stored = {
    generator: { ...defaultPreferences.generator, ...(row.generatorSettings ?? {}) },
    lockTimeoutSeconds: Number(row.lockTimeoutSeconds),
    clipboardClearSeconds: Number(row.clipboardClearSeconds),
    notifications: { ...defaultPreferences.notifications, ...(row.notifications ?? {}) },
    theme: row.theme,
    language: row.language,
    rememberMeByDefault: Boolean(row.rememberMeByDefault),
  };
  const parsed = preferencesSchema.safeParse(stored);
  return parsed.success ? parsed.data : defaultPreferences;
}

/** Replaces the preferences (the contract validated every field). */
export async function putPreferences(db: Database, principal: Principal, preferences: Preferences): Promise<Preferences> {
  const values = {
    generatorSettings: preferences.generator,
    lockTimeoutSeconds: preferences.lockTimeoutSeconds,
    clipboardClearSeconds: preferences.clipboardClearSeconds,
    notifications: preferences.notifications,
    theme: preferences.theme,
    language: preferences.language,
    rememberMeByDefault: preferences.rememberMeByDefault,
  };
  const save = () =>
    db.transaction(async (transaction) => {
      const { UserPreference } = db.models;
      const row = await UserPreference.findOne({ where: { userId: principal.userId }, transaction, lock: transaction.LOCK.UPDATE });
      if (row) await row.update(values, { transaction });
      else await UserPreference.create({ userId: principal.userId, ...values }, { transaction });
    });
  try {
    await save();
  } catch (error) {
    // Two first saves at once: the loser's insert hits the unique user_id; now the row exists.
    if (!(error instanceof UniqueConstraintError)) throw error;
    await save();
  }
  return getPreferences(db, principal);
}

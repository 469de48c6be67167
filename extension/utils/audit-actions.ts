// The sentence a person reads for each audit action (the Activity and Audit sections). The
// actions are the ones the server writes (docs/api.md lists them); one it adds later reads as
// "Event <action>" until it gets a sentence here and in both locale files.

import type { GeneratedI18nStructure } from '#i18n';
import { t } from './i18n';

type ActionKey = Exclude<keyof GeneratedI18nStructure & `people.actions.${string}`, 'people.actions.unknown'>;
type FailedKey = keyof GeneratedI18nStructure & `people.failed.${string}`;
type ReasonKey = keyof GeneratedI18nStructure & `people.reasons.${string}`;

export const auditActionMessages: Readonly<Record<string, ActionKey>> = {
  'auth.register': 'people.actions.auth_register',
  'auth.login': 'people.actions.auth_login',
  'auth.logout': 'people.actions.auth_logout',
  'auth.logout_all': 'people.actions.auth_logout_all',
  'auth.lockout': 'people.actions.auth_lockout',
  'auth.unlock': 'people.actions.auth_unlock',
  'auth.token_refreshed': 'people.actions.auth_token_refreshed',
  'auth.token_reuse_detected': 'people.actions.auth_token_reuse_detected',
  'auth.password_change': 'people.actions.auth_password_change',
  'auth.password_changed': 'people.actions.auth_password_changed',
  'auth.recovery_key': 'people.actions.auth_recovery_key',
  'auth.recovery_reset': 'people.actions.auth_recovery_reset',
  'auth.recovery_regenerate': 'people.actions.auth_recovery_regenerate',
  'auth.recovery_regenerated': 'people.actions.auth_recovery_regenerated',
  'mfa.setup_started': 'people.actions.mfa_setup_started',
  'mfa.enable': 'people.actions.mfa_enable',
  'mfa.enabled': 'people.actions.mfa_enabled',
  'mfa.disable': 'people.actions.mfa_disable',
  'mfa.disabled': 'people.actions.mfa_disabled',
  'mfa.verify': 'people.actions.mfa_verify',
  'mfa.backup_code_used': 'people.actions.mfa_backup_code_used',
  'mfa.regenerate_backup_codes': 'people.actions.mfa_regenerate_backup_codes',
  'mfa.backup_codes_regenerated': 'people.actions.mfa_backup_codes_regenerated',
  'session.revoked': 'people.actions.session_revoked',
  'user.profile_updated': 'people.actions.user_profile_updated',
  'account.create': 'people.actions.account_create',
  'account.bulk_create': 'people.actions.account_bulk_create',
  'account.update': 'people.actions.account_update',
  'account.trash': 'people.actions.account_trash',
  'account.restore': 'people.actions.account_restore',
  'account.delete': 'people.actions.account_delete',
  'account.trash_purged': 'people.actions.account_trash_purged',
  'account.release': 'people.actions.account_release',
  'account.credential_used': 'people.actions.account_credential_used',
  'account.encrypt_legacy': 'people.actions.account_encrypt_legacy',
  'application.match': 'people.actions.application_match',
  'application.create': 'people.actions.application_create',
  'application.update': 'people.actions.application_update',
  'application.delete': 'people.actions.application_delete',
  'admin.user_update': 'people.actions.admin_user_update',
  'settings.update': 'people.actions.settings_update',
};

/** Where a failed entry reads better than "<action>" with a Failed badge. */
const failedActionMessages: Readonly<Record<string, FailedKey>> = {
  'auth.login': 'people.failed.auth_login',
};

/** `details.reason` of refused sign-ins and ended sessions, in words. */
const reasonMessages: Readonly<Record<string, ReasonKey>> = {
  invalid_credentials: 'people.reasons.invalid_credentials',
  account_locked: 'people.reasons.account_locked',
  account_inactive: 'people.reasons.account_inactive',
  invalid_mfa_code: 'people.reasons.invalid_mfa_code',
  mfa_required: 'people.reasons.mfa_required',
  invalid_recovery_code: 'people.reasons.invalid_recovery_code',
  logout_all: 'people.reasons.logout_all',
  password_changed: 'people.reasons.password_changed',
  password_recovered: 'people.reasons.password_recovered',
  user_deactivated: 'people.reasons.user_deactivated',
};

/** The entry's sentence and, when the server gave a known reason, that reason in words. */
export function describeAuditEntry(entry: { action: string; success: boolean; details: Record<string, unknown> | null }): { sentence: string; reason: string | null } {
  const failed = !entry.success && Object.hasOwn(failedActionMessages, entry.action) ? failedActionMessages[entry.action] : undefined;
  const reason = entry.details?.reason;
  const reasonKey = typeof reason === 'string' && Object.hasOwn(reasonMessages, reason) ? reasonMessages[reason] : undefined;
  return { sentence: failed ? t(failed) : describeAuditAction(entry.action), reason: reasonKey ? t(reasonKey) : null };
}

/** Known actions, for the action filter, sorted by their sentence in the UI language. */
export function auditActionChoices(): { action: string; label: string }[] {
  return Object.keys(auditActionMessages)
    .map((action) => ({ action, label: describeAuditAction(action) }))
    .sort((a, b) => a.label.localeCompare(b.label));
}

export function describeAuditAction(action: string): string {
  const key = Object.hasOwn(auditActionMessages, action) ? auditActionMessages[action] : undefined;
  return key ? t(key) : t('people.actions.unknown', { action });
}

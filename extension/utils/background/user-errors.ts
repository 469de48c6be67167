// Turns API and crypto failures into messages a person can act on. The UI shows `message` as is
// and switches on `code`; every failure path of the popup goes through here.

import { isCryptoError } from '@secureaccess/shared/crypto';
import { t } from '../i18n';
import { ExtensionError } from '../protocol';
import { ApiError } from './api-client';
import { SessionEndedError } from './token-manager';

export function toUserError(error: unknown, serverUrl: string): ExtensionError {
  if (error instanceof ExtensionError) return error;
  if (error instanceof SessionEndedError) {
    return new ExtensionError('session_ended', t('errors.sessionEnded'));
  }
  if (isCryptoError(error)) {
    if (error.code === 'kdf_too_weak' || error.code === 'invalid_kdf_params') {
      return new ExtensionError(
        'unsafe_kdf',
        t('errors.unsafeKdf', { detail: error.message }),
      );
    }
    if (error.code === 'decryption_failed') return new ExtensionError('wrong_password', t('errors.wrongMasterPassword'));
    return new ExtensionError('crypto', t('errors.encryptionFailed', { detail: error.message }));
  }
  if (error instanceof ApiError) {
    switch (error.code) {
      case 'network_error':
        return new ExtensionError('server_unreachable', error.message);
      case 'invalid_credentials':
        return new ExtensionError('wrong_password', t('errors.wrongCredentials'));
      case 'mfa_required':
        return new ExtensionError('mfa_required', t('errors.mfaRequired'));
      case 'invalid_mfa_code':
        return new ExtensionError('invalid_mfa_code', t('errors.invalidMfaCode'));
      case 'account_locked':
        return new ExtensionError(
          'account_locked',
          t('errors.accountLocked'),
        );
      case 'account_inactive':
        return new ExtensionError('account_inactive', t('errors.accountInactive'));
      case 'registration_closed':
        return new ExtensionError('registration_closed', t('errors.registrationClosed'));
      case 'rate_limited':
        return new ExtensionError('rate_limited', t('errors.rateLimited'));
      case 'access_declined': {
        const details = error.details as { access?: { value?: string } } | undefined;
        const value = details?.access?.value;
        return new ExtensionError(
          'access_declined',
          value ? t('errors.accessDeclined', { value }) : error.message,
          error.details,
        );
      }
      case 'forbidden':
        return new ExtensionError('forbidden', t('errors.forbidden'));
      case 'revision_conflict':
        return new ExtensionError('conflict', t('errors.conflict'));
      case 'not_found':
        return new ExtensionError('not_found', error.message);
      case 'bad_response':
        return new ExtensionError('bad_response', t('errors.badResponse', { detail: error.message, server: serverUrl }));
      default:
        return new ExtensionError(error.code, error.message || t('errors.refused', { status: error.status }));
    }
  }
  return new ExtensionError('internal', error instanceof Error ? error.message : t('errors.internal'));
}

// Turns API and crypto failures into messages a person can act on. The UI shows `message` as is
// and switches on `code`; every failure path of the popup goes through here.

import { isCryptoError } from '@secureaccess/shared/crypto';
import { ExtensionError } from '../protocol';
import { ApiError } from './api-client';
import { SessionEndedError } from './token-manager';

export function toUserError(error: unknown, serverUrl: string): ExtensionError {
  if (error instanceof ExtensionError) return error;
  if (error instanceof SessionEndedError) {
    return new ExtensionError('session_ended', 'Your session has ended (signed out or revoked). Log in again.');
  }
  if (isCryptoError(error)) {
    if (error.code === 'kdf_too_weak' || error.code === 'invalid_kdf_params') {
      return new ExtensionError(
        'unsafe_kdf',
        `The server asked for key-derivation settings outside the safe range (${error.message}). Nothing was sent.`,
      );
    }
    if (error.code === 'decryption_failed') return new ExtensionError('wrong_password', 'Wrong master password.');
    return new ExtensionError('crypto', `Encryption failed: ${error.message}`);
  }
  if (error instanceof ApiError) {
    switch (error.code) {
      case 'network_error':
        return new ExtensionError('server_unreachable', error.message);
      case 'invalid_credentials':
        return new ExtensionError('wrong_password', 'Wrong email or master password.');
      case 'mfa_required':
        return new ExtensionError('mfa_required', 'Enter the code from your authenticator app.');
      case 'invalid_mfa_code':
        return new ExtensionError('invalid_mfa_code', 'That code is not valid. Check the time on your device and try again.');
      case 'account_locked':
        return new ExtensionError(
          'account_locked',
          'Too many failed attempts: logins for this email are paused for a while. Try again later.',
        );
      case 'account_inactive':
        return new ExtensionError('account_inactive', 'This account has been deactivated by an administrator.');
      case 'registration_closed':
        return new ExtensionError('registration_closed', 'Sign-ups are closed on this server. Ask an administrator.');
      case 'rate_limited':
        return new ExtensionError('rate_limited', 'Too many requests. Wait a minute and try again.');
      case 'access_declined': {
        const details = error.details as { access?: { value?: string } } | undefined;
        const value = details?.access?.value;
        return new ExtensionError(
          'access_declined',
          value ? `Access to this application is ${value}.` : error.message,
          error.details,
        );
      }
      case 'forbidden':
        return new ExtensionError('forbidden', 'Your role does not allow this. Ask an administrator.');
      case 'revision_conflict':
        return new ExtensionError('conflict', 'This account was changed elsewhere. It has been refreshed; try again.');
      case 'not_found':
        return new ExtensionError('not_found', error.message);
      case 'bad_response':
        return new ExtensionError('bad_response', `${error.message} Is ${serverUrl} a SecureAccess server?`);
      default:
        return new ExtensionError(error.code, error.message || `The server refused the request (${error.status}).`);
    }
  }
  return new ExtensionError('internal', error instanceof Error ? error.message : 'Something went wrong.');
}

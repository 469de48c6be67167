// Every secret field of the auth, MFA and recovery bodies is censored wherever it appears in a
// log line (the logger censors by field name at any depth).
import { createLogger, isSensitiveKey } from '@secureaccess/server';
import { captureLogs } from '../../helpers/app';

const secretFields = [
  'authHash',
  'currentAuthHash',
  'newAuthHash',
  'recoveryAuthHash',
  'refreshToken',
  'accessToken',
  'mfaCode',
  'code',
  'backupCodes',
  'secret',
  'otpauthUrl',
  'qrDataUrl',
  'recoveryCode',
  'wrappedUserKey',
  'newWrappedUserKey',
  'successorCiphertext',
];

describe('log redaction of auth fields', () => {
  test.each(secretFields)('when a log line carries %s, then its value is censored', (field) => {
    const { stream, logs } = captureLogs();
    const logger = createLogger({ level: 'info', destination: stream });

    logger.info({ body: { [field]: 'S3CRET-VALUE', nested: { newRecovery: { [field]: 'S3CRET-VALUE' } } } }, 'request');

    expect(isSensitiveKey(field)).toBe(true);
    expect(logs.text()).not.toContain('S3CRET-VALUE');
  });
});

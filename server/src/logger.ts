// Structured logs (pino). Secrets never reach a log line: authorization headers and cookies are
// censored by path, and any field named like a credential is censored at any depth.
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

const censor = '[redacted]';

/** Field names (compared case-insensitively, ignoring `-` and `_`) whose values are never logged. */
const sensitiveKeys = new Set(
  [
    'authorization',
    'cookie',
    'set-cookie',
    'authHash',
    'currentAuthHash',
    'newAuthHash',
    'password',
    'newPassword',
    'masterPassword',
    'refreshToken',
    'accessToken',
    'token',
    'secret',
    'code',
    'mfaCode',
    'backupCode',
    'backupCodes',
    'recoveryCode',
    'wrappedUserKey',
    'newWrappedUserKey',
    'otpauthUrl',
    'qrDataUrl',
    'successorCiphertext',
    // The recovery routes' proof of the recovery code (DESIGN §5a).
    'recoveryAuthHash',
  ].map(normaliseKey),
);

function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

export function isSensitiveKey(key: string): boolean {
  const k = normaliseKey(key);
  return sensitiveKeys.has(k) || k.endsWith('password') || k.endsWith('secret') || k.endsWith('token');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const maxDepth = 12;

/**
 * A copy of `value` with sensitive fields censored at any depth. Only plain objects and arrays
 * are walked (class instances such as the request are left to their serializers, which pino's
 * path-based redaction covers); cycles and very deep values are cut.
 */
export function redactSecrets(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (Array.isArray(value)) {
    if (seen.has(value) || depth > maxDepth) return '[truncated]';
    seen.add(value);
    return value.map((item) => redactSecrets(item, depth + 1, seen));
  }
  if (!isPlainObject(value)) return value;
  if (seen.has(value) || depth > maxDepth) return '[truncated]';
  seen.add(value);
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    copy[key] = isSensitiveKey(key) ? censor : redactSecrets(inner, depth + 1, seen);
  }
  return copy;
}

export interface LoggerOptions {
  level: string;
  /** Where lines go (stdout by default); tests pass a stream that captures them. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'secureaccess-api' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["proxy-authorization"]',
          'res.headers["set-cookie"]',
          'headers.authorization',
          'headers.cookie',
        ],
        censor,
      },
      formatters: {
        log: (object) => redactSecrets(object) as Record<string, unknown>,
      },
    },
    options.destination ?? pino.destination({ fd: 1, sync: true }),
  );
}

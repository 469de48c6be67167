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

// Query parameters whose values may appear in a log line: switches, page sizes and opaque
// cursors. Everything else (a visited page's `url`, a search `q`, ids) is logged as its key only,
// so no visited URL or search text reaches the logs (DESIGN §6a).
const loggableQueryKeys = new Set([
  'limit',
  'cursor',
  'since',
  'includeDeleted',
  'permanent',
  'force',
  'role',
  'status',
  'success',
  'targetType',
  'action',
]);

/**
 * A request URL as it may be logged: the path, and the query string with every value outside
 * the allow-list replaced by `[redacted]` (`/applications/match?url=[redacted]`).
 */
export function loggableUrl(url: string): string {
  const mark = url.indexOf('?');
  if (mark === -1) return url;
  const pairs = url
    .slice(mark + 1)
    .split('&')
    .filter((pair) => pair.length > 0)
    .map((pair) => {
      const equals = pair.indexOf('=');
      const rawKey = equals === -1 ? pair : pair.slice(0, equals);
      let key: string;
      try {
        key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
      } catch {
        key = '';
      }
      if (!loggableQueryKeys.has(key)) return `${encodeURIComponent(key.slice(0, 40))}=${censor}`;
      return pair.slice(0, 240);
    });
  return `${url.slice(0, mark)}?${pairs.join('&')}`;
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
    options.destination ?? createStdoutDestination(),
  );
}

// Production logging is asynchronous: lines are buffered and written in chunks of at least
// `logChunkBytes` (a synchronous write per request line cost ~6 % of the API's CPU under load),
// and at least every `logFlushIntervalMs` so a quiet server's lines still appear promptly.
const logChunkBytes = 4096;
const logFlushIntervalMs = 1000;

function createStdoutDestination(): DestinationStream {
  const destination = pino.destination({ fd: 1, sync: false, minLength: logChunkBytes });
  setInterval(() => destination.flush(), logFlushIntervalMs).unref();
  return destination;
}

/**
 * Writes out every buffered line (synchronously: it runs on the way out), then calls `done`. Call
 * it before exiting (the shutdown path), or lines logged just before the exit are lost.
 */
export function flushLogger(logger: Logger, done: () => void): void {
  const stream = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as { flushSync?: () => void } | undefined;
  try {
    stream?.flushSync?.();
  } catch (error) {
    process.stderr.write(`flushing the log failed: ${(error as Error).message}\n`);
  }
  done();
}

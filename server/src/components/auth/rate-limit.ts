// Per-IP fixed-window rate limits kept in the rate_limits table (DESIGN §3: counters that matter
// live in the database, so N API processes share them). One row per (bucket, window); the
// cleanup job deletes finished windows.
import { ErrorCode } from '@secureaccess/shared/contract';
import { runStatement, writeReturningRows, type Database } from '../../db';
import { AppError } from '../../http/app-error';

export interface RateLimitRule {
  /** Bucket name, e.g. `login`; the bucket key is `<name>:<ip>`. */
  name: string;
  max: number;
  windowSeconds: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  count: number;
  /** Seconds until the current window ends (for Retry-After). */
  retryAfterSeconds: number;
}

const maxBucketKeyLength = 191; // the primary key's VARCHAR(191)

/** Counts one request in the rule's current window and says whether it stays within the limit. */
export async function consumeRateLimit(
  db: Database,
  rule: RateLimitRule,
  subject: string,
  now: Date,
): Promise<RateLimitDecision> {
  const windowMs = rule.windowSeconds * 1000;
  const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
  const expiresAt = new Date(windowStart.getTime() + windowMs);
  const replacements = {
    key: `${rule.name}:${subject}`.slice(0, maxBucketKeyLength),
    start: windowStart,
    expires: expiresAt,
  };
  // Increment (creating the window's row if needed) and read the count in the same statement: one
  // round trip on every login, refresh and sign-up. MySQL hands the incremented count back as the
  // statement's insert id through LAST_INSERT_ID(expr) (a fresh row reports 0: the table has no
  // auto-increment column, so the count is 1); SQLite answers with RETURNING.
  // One hot row per IP and window: on Galera, increments through two nodes conflict at commit.
  const insert = 'INSERT INTO rate_limits (bucket_key, window_start, count, expires_at) VALUES (:key, :start, 1, :expires) ';
  const count = await db.retryingConflicts(async () => {
    if (db.dialect === 'mysql') {
      const { insertId } = await runStatement(db, `${insert}ON DUPLICATE KEY UPDATE count = LAST_INSERT_ID(count + 1)`, replacements);
      return insertId === 0 ? 1 : insertId;
    }
    const [row] = await writeReturningRows<{ count: number }>(
      db,
      `${insert}ON CONFLICT (bucket_key, window_start) DO UPDATE SET count = count + 1 RETURNING count`,
      replacements,
    );
    return Number(row?.count ?? 1);
  });
  return {
    allowed: count <= rule.max,
    count,
    retryAfterSeconds: Math.max(1, Math.ceil((expiresAt.getTime() - now.getTime()) / 1000)),
  };
}

/** Throws 429 rate_limited with Retry-After when `subject` (an IP) is over the rule's limit. */
export async function assertWithinRateLimit(
  db: Database,
  rule: RateLimitRule,
  subject: string | null,
  now: Date,
): Promise<void> {
  const decision = await consumeRateLimit(db, rule, subject ?? 'unknown', now);
  if (!decision.allowed) {
    throw new AppError(ErrorCode.rateLimited, 429, 'Too many requests; try again later', {
      headers: { 'Retry-After': String(decision.retryAfterSeconds) },
    });
  }
}

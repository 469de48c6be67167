// Which saved passwords need attention (issue 9's security overview): weak by a strength estimate,
// reused across accounts, or unchanged for a long time. Pure and local: the options page runs it
// over passwords it got from the background; nothing here talks to a server.

export interface PasswordEntry {
  uuid: string;
  password: string;
  /** When the account was last saved (ISO): the closest the vault has to "password changed at". */
  updatedAt: string;
  /** The account's own words (username, site): a password made of them is guessable. */
  hints?: string[];
}

export interface PasswordVerdict {
  /** The estimator's score, 0 (guessable in a few tries) to 4 (very hard). */
  score: number;
  weak: boolean;
  /** How many other accounts have the very same password. */
  reusedWith: number;
  ageDays: number;
  old: boolean;
}

export interface HealthOptions {
  /** Scores below this are weak (zxcvbn: 3 = "safely unguessable" against an online attack). */
  minScore?: number;
  /** A password unchanged this long is old. */
  oldAfterDays?: number;
}

const dayMs = 24 * 60 * 60 * 1000;

/**
 * A verdict for every entry. `score` is the strength estimator (zxcvbn in the options page; any
 * function in tests), called once per distinct password and hints. Empty passwords are skipped.
 */
export function assessPasswords(
  entries: readonly PasswordEntry[],
  now: Date,
  score: (password: string, hints: string[]) => number,
  { minScore = 3, oldAfterDays = 365 }: HealthOptions = {},
): Map<string, PasswordVerdict> {
  const uses = new Map<string, number>();
  for (const { password } of entries) if (password !== '') uses.set(password, (uses.get(password) ?? 0) + 1);
  const scores = new Map<string, number>();
  const verdicts = new Map<string, PasswordVerdict>();
  for (const entry of entries) {
    if (entry.password === '') continue;
    const hints = entry.hints ?? [];
    const key = JSON.stringify([entry.password, hints]);
    let value = scores.get(key);
    if (value === undefined) {
      value = score(entry.password, hints);
      scores.set(key, value);
    }
    const updated = Date.parse(entry.updatedAt);
    const ageDays = Number.isNaN(updated) ? 0 : Math.max(0, Math.floor((now.getTime() - updated) / dayMs));
    verdicts.set(entry.uuid, {
      score: value,
      weak: value < minScore,
      reusedWith: (uses.get(entry.password) ?? 1) - 1,
      ageDays,
      old: ageDays >= oldAfterDays,
    });
  }
  return verdicts;
}

/** Whether a verdict asks for any action. */
export function needsAttention(verdict: PasswordVerdict): boolean {
  return verdict.weak || verdict.reusedWith > 0 || verdict.old;
}

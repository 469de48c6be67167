// Access-token upkeep with single-flight refresh. Refresh tokens rotate on every use and the
// server treats a token re-presented after its short reuse interval as theft (the whole family
// is revoked), so this client must never run two refreshes at once: every caller that finds the
// access token stale or rejected joins the one refresh in flight.

export interface TokenPairLike {
  accessToken: string;
  refreshToken: string;
  /** Seconds. */
  expiresIn: number;
}

export interface TokenStore {
  getAccess(): Promise<{ token: string; expiresAt: number } | null>;
  setAccess(value: { token: string; expiresAt: number } | null): Promise<void>;
  getRefresh(): Promise<string | null>;
  setRefresh(value: string | null): Promise<void>;
}

/** Thrown when the session cannot be refreshed any more: the person has to log in again. */
export class SessionEndedError extends Error {
  override name = 'SessionEndedError';
  constructor(
    /** `invalid_refresh_token`, `refresh_token_reused`, `no_session`, … */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface TokenManagerOptions {
  store: TokenStore;
  /** Calls `POST /auth/refresh`; throws with a `code` property on API errors. */
  refresh: (refreshToken: string) => Promise<TokenPairLike>;
  /** Codes of refresh errors that end the session (others — network — are retried later). */
  isSessionEnded: (error: unknown) => SessionEndedError | null;
  now?: () => number;
  /** Refresh this long before expiry, so a request does not leave with a token about to die. */
  skewMs?: number;
}

export interface TokenManager {
  /** A valid access token, refreshing first if it is missing or about to expire. */
  getAccessToken(): Promise<string>;
  /**
   * The server rejected `rejected`: refresh once (joining any refresh in flight) unless another
   * caller already replaced it, and return the token to retry with.
   */
  refreshAfterRejection(rejected: string): Promise<string>;
  /** Stores the pair a login returned. */
  setTokens(pair: TokenPairLike): Promise<void>;
  clear(): Promise<void>;
  /** How many refreshes were sent (diagnostics and tests). */
  readonly refreshCount: number;
}

/** Wraps `fn` so that concurrent calls share one running promise. */
export function singleFlight<T>(fn: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | null = null;
  return () => {
    inFlight ??= fn().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
}

export function createTokenManager(options: TokenManagerOptions): TokenManager {
  const now = options.now ?? Date.now;
  const skewMs = options.skewMs ?? 30_000;
  let refreshCount = 0;

  const store = async (pair: TokenPairLike) => {
    await options.store.setRefresh(pair.refreshToken);
    await options.store.setAccess({ token: pair.accessToken, expiresAt: now() + pair.expiresIn * 1000 });
  };

  const refreshOnce = singleFlight(async (): Promise<string> => {
    const refreshToken = await options.store.getRefresh();
    if (!refreshToken) throw new SessionEndedError('no_session', 'You are signed out. Log in again.');
    refreshCount++;
    let pair: TokenPairLike;
    try {
      pair = await options.refresh(refreshToken);
    } catch (error) {
      const ended = options.isSessionEnded(error);
      if (ended) {
        await options.store.setAccess(null);
        await options.store.setRefresh(null);
        throw ended;
      }
      throw error;
    }
    await store(pair);
    return pair.accessToken;
  });

  return {
    get refreshCount() {
      return refreshCount;
    },
    async getAccessToken() {
      const access = await options.store.getAccess();
      if (access && access.expiresAt - skewMs > now()) return access.token;
      return refreshOnce();
    },
    async refreshAfterRejection(rejected) {
      const access = await options.store.getAccess();
      if (access && access.token !== rejected && access.expiresAt - skewMs > now()) return access.token;
      return refreshOnce();
    },
    setTokens: store,
    async clear() {
      await options.store.setAccess(null);
      await options.store.setRefresh(null);
    },
  };
}

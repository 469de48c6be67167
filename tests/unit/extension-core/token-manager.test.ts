// Single-flight refresh against the real API: the server revokes the whole family when a used
// refresh token comes back after its reuse interval, so concurrency bugs here log people out.
import { createApiClient, isApiError, type ApiError } from '@ext/utils/background/api-client';
import { createTokenManager, SessionEndedError, singleFlight, type TokenStore } from '@ext/utils/background/token-manager';
import { startTestApp, type TestApp } from '../../helpers/app';
import { authed as authedAgent, registerAndLogin } from '../../helpers/auth';

function memoryStore(initial: { access: string | null; refresh: string | null; expiresAt: number }): TokenStore & {
  state: { access: { token: string; expiresAt: number } | null; refresh: string | null };
} {
  const state = {
    access: initial.access ? { token: initial.access, expiresAt: initial.expiresAt } : null,
    refresh: initial.refresh,
  };
  return {
    state,
    getAccess: async () => state.access,
    setAccess: async (value) => {
      state.access = value;
    },
    getRefresh: async () => state.refresh,
    setRefresh: async (value) => {
      state.refresh = value;
    },
  };
}

describe('singleFlight', () => {
  test('when called while a run is in flight, then callers share it; after it settles a new run starts', async () => {
    let runs = 0;
    let release!: () => void;
    const once = singleFlight(() => {
      runs++;
      return new Promise<number>((resolve) => {
        release = () => resolve(runs);
      });
    });
    const [a, b] = [once(), once()];
    release();
    expect(await Promise.all([a, b])).toEqual([1, 1]);
    const c = once();
    release();
    expect(await c).toBe(2);
  });

  test('when the run fails, then every caller sees the failure and the next call retries', async () => {
    let runs = 0;
    const once = singleFlight(async () => {
      runs++;
      if (runs === 1) throw new Error('offline');
      return 'ok';
    });
    await expect(Promise.all([once(), once()])).rejects.toThrow('offline');
    await expect(once()).resolves.toBe('ok');
    expect(runs).toBe(2);
  });
});

describe('token manager against the real API', () => {
  let t: TestApp;
  beforeAll(async () => {
    // A reuse interval of 0: any second presentation of a used token is treated as theft, so a
    // duplicate refresh from this client would revoke the family and fail the test.
    t = await startTestApp({ env: { REFRESH_REUSE_INTERVAL_SECONDS: '0' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  const client = () => createApiClient({ baseUrl: () => t.baseUrl });
  const manager = (store: TokenStore) => {
    const api = client();
    return createTokenManager({
      store,
      refresh: (refreshToken) => api.call('auth', 'refresh', { body: { refreshToken } }),
      isSessionEnded: (error) =>
        isApiError(error, 'invalid_refresh_token') || isApiError(error, 'refresh_token_reused')
          ? new SessionEndedError((error as ApiError).code, (error as ApiError).message)
          : null,
    });
  };

  test('when ten requests find the access token expired at once, then exactly one refresh is sent and the session stays alive', async () => {
    const { session } = await registerAndLogin(t);
    const store = memoryStore({ access: session.accessToken, refresh: session.refreshToken, expiresAt: 0 });
    const tokens = manager(store);

    const results = await Promise.all(Array.from({ length: 10 }, () => tokens.getAccessToken()));

    expect(tokens.refreshCount).toBe(1);
    expect(new Set(results).size).toBe(1);
    expect(results[0]).not.toBe(session.accessToken);
    expect(store.state.refresh).not.toBe(session.refreshToken);
    // The new access token works, and the family was not revoked: the rotated token refreshes again.
    expect((await authedAgent(t.api, results[0]!).get('/api/v1/me')).status).toBe(200);
    store.state.access = null;
    await expect(tokens.getAccessToken()).resolves.toEqual(expect.any(String));
    expect(tokens.refreshCount).toBe(2);
  });

  test('when several callers report the same rejected token, then they join one refresh', async () => {
    const { session } = await registerAndLogin(t);
    const store = memoryStore({ access: session.accessToken, refresh: session.refreshToken, expiresAt: Date.now() + 600_000 });
    const tokens = manager(store);
    const results = await Promise.all(Array.from({ length: 5 }, () => tokens.refreshAfterRejection(session.accessToken)));
    expect(tokens.refreshCount).toBe(1);
    expect(new Set(results).size).toBe(1);
    // A late caller with the old rejected token gets the new one without another refresh.
    await expect(tokens.refreshAfterRejection(session.accessToken)).resolves.toBe(results[0]);
    expect(tokens.refreshCount).toBe(1);
  });

  test('when the refresh token was revoked (logout elsewhere), then the session ends and the tokens are forgotten', async () => {
    const { session } = await registerAndLogin(t);
    const logout = await authedAgent(t.api, session.accessToken)
      .post('/api/v1/auth/logout')
      .send({ refreshToken: session.refreshToken });
    expect(logout.status).toBe(204);
    const store = memoryStore({ access: session.accessToken, refresh: session.refreshToken, expiresAt: 0 });
    const tokens = manager(store);
    const error = await tokens.getAccessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionEndedError);
    expect(store.state).toEqual({ access: null, refresh: null });
  });
});

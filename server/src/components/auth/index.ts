// The auth component's public surface for the rest of the server (admin, vault) and the tests.
export { authComponent } from './routes';
export { createAuthenticator, loadPrincipal, principalSql, principalValues } from './authenticator';
export { unlockUser, readLockState, lockoutPolicy, type LockState, type UnlockOptions } from './lockout';
export { consumeRateLimit, assertWithinRateLimit, type RateLimitRule } from './rate-limit';
export { serverArgon2Params } from './password-hash';
export type { AuthDeps, RequestMeta } from './context';

// Public surface of @secureaccess/server for the root scripts and the test suites.
export { createApp, type AppDeps } from './app';
export type { AppContext, Component } from './components';
export { components } from './components';
export { ConfigError, configVariables, loadConfig, repoRoot, type Config, type Env } from './config';
export * from './db';
export * from './components/audit/audit-chain';
export { AppError, isAppError, type AppErrorOptions } from './http/app-error';
export {
  apiBasePath,
  createApiRouter,
  fullPath,
  mountRoute,
  type ApiRouter,
  type Authenticator,
  type Principal,
  type RouteContext,
  type RouteHandler,
  type RouteInput,
  type RouteResult,
} from './http/route';
export { buildOpenApiDocument } from './http/openapi';
export { createHttpServer, maxHeaderBytes } from './http/server';
export { createLogger, isSensitiveKey, loggableUrl, redactSecrets, type Logger } from './logger';
export { runCleanup, startCleanupTimer } from './maintenance';
export { loadSecrets, rotateJwtSigningKey, secretsFileName, SecretsError, type Secrets } from './secrets';
// The vault service, for suites that drive it directly (the trash purge with a moved clock).
export { createAccountService, trashRetentionDays, type AccountService } from './components/accounts/account-service';
export type { RequestActor } from './components/accounts/request-actor';
// The account serializer and the JSON text it builds, for the stored-envelope property suite.
export { accountJson, type AccountRecord } from './components/accounts/account-store';
export { JsonText, toJsonText, type WithJsonText } from './json-text';
// The auth, sessions and MFA components' services that other components and suites use.
export {
  createAuthenticator,
  // The authenticator's one query and its replacements, for the database-ceiling bench (tests/bench/support/db-ceiling.ts).
  principalSql,
  principalValues,
  readLockState,
  unlockUser,
  type LockState,
  type RequestMeta,
  type UnlockOptions,
} from './components/auth';
export { invalidateAllSessions, revokeSessions, sessionPolicy, type RevocationReason } from './components/sessions';
export { findEnabledMfa } from './components/mfa';
// The benches' login floor verifies with exactly these parameters.
export { serverArgon2Params } from './components/auth';

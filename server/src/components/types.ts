import type { Config } from '../config';
import type { Database } from '../db';
import type { ApiRouter, Authenticator } from '../http/route';
import type { Logger } from '../logger';
import type { Secrets } from '../secrets';

/** What every component gets: the app's dependencies plus the clock to read time from. */
export interface AppContext {
  config: Config;
  db: Database;
  logger: Logger;
  secrets: Secrets;
  /** Current time; injected so tests can move it (token expiry, lockouts, reuse intervals). */
  clock: () => Date;
}

/** A business component (STYLE: server/src/components/<name>/) as createApp wires it. */
export interface Component {
  name: string;
  /** The auth component provides this; Bearer routes cannot be mounted without it. */
  createAuthenticator?(context: AppContext): Authenticator;
  /** Mounts the component's routes with mountRoute. */
  registerRoutes(router: ApiRouter, context: AppContext): void;
}

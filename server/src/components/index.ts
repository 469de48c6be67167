// Every business component the API serves, in mounting order. A new component adds itself here
// (and, for the auth component, provides createAuthenticator).
import { accountsComponent } from './accounts/routes';
import { adminComponent } from './admin/routes';
import { applicationsComponent } from './applications/routes';
import { authComponent } from './auth';
import { healthComponent } from './health/routes';
import { mfaComponent } from './mfa';
import { sessionsComponent } from './sessions';
import type { Component } from './types';

export type { AppContext, Component } from './types';

export const components: readonly Component[] = [
  healthComponent,
  authComponent,
  sessionsComponent,
  mfaComponent,
  accountsComponent,
  applicationsComponent,
  adminComponent,
];
